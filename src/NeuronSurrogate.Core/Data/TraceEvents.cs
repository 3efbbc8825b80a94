namespace NeuronSurrogate.Data;

/// <summary>
/// One trace's input events (DESIGN section 12): the synapse and time of every presynaptic spike, sorted by time
/// (ties by synapse). Synapse ids index the cell's synapse table.
/// </summary>
/// <param name="Run">The trace's run.</param>
/// <param name="Neuron">The trace's neuron.</param>
/// <param name="Synapses">The synapse of each event.</param>
/// <param name="TimesMs">The time of each event, ms from the trace's start.</param>
public sealed record TraceEvents(long Run, long Neuron, int[] Synapses, double[] TimesMs)
{
    /// <summary>The number of events.</summary>
    public int Count => Synapses.Length;

    /// <summary>A trace without events.</summary>
    public static TraceEvents None(long run, long neuron) => new(run, neuron, [], []);
}

/// <summary>The column names of the input-events contract: one row per input spike, sorted by time within each trace.</summary>
public static class EventColumns
{
    public const string Run = TraceColumns.Run;
    public const string Neuron = TraceColumns.Neuron;
    public const string Synapse = "synapse";
    public const string TimeMs = TraceColumns.TimeMs;

    /// <summary>The header, in order.</summary>
    public static IReadOnlyList<string> All { get; } = [Run, Neuron, Synapse, TimeMs];
}

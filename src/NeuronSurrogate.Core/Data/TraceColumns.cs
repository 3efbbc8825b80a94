namespace NeuronSurrogate.Data;

/// <summary>The column names of the traces CSV contract (DESIGN section 4).</summary>
public static class TraceColumns
{
    public const string Run = "run";
    public const string Neuron = "neuron";
    public const string TimeMs = "time_ms";
    public const string Current = "current";
    public const string Voltage = "voltage";
    public const string Spike = "spike";
    public const string Recovery = "recovery";

    /// <summary>The columns <c>predict</c> adds: the surrogate's voltage and its upward 0 mV crossings.</summary>
    public const string PredictedVoltage = "predicted_voltage";
    public const string PredictedSpike = "predicted_spike";

    /// <summary>A model's probability of a spike at each step, where it gives one: what <c>evaluate</c> scores the spike AUC by.</summary>
    public const string PredictedSpikeProbability = "predicted_spike_probability";

    /// <summary>A second injected current, at a NEURON cell's dendritic site (nA).</summary>
    public const string CurrentDend = "current_dend";

    /// <summary>The columns every input to <c>simulate</c> and <c>predict</c> needs.</summary>
    public static IReadOnlyList<string> Required { get; } = [Run, Neuron, TimeMs, Current];

    /// <summary>The dataset's header, in order.</summary>
    public static IReadOnlyList<string> Dataset { get; } = [Run, Neuron, TimeMs, Current, Voltage, Spike];

    /// <summary>The index of an output column: an input column of that name is replaced in place, else it is appended.</summary>
    public static int IndexOrAppend(List<string> headers, string name)
    {
        ArgumentNullException.ThrowIfNull(headers);
        int index = headers.IndexOf(name);
        if (index >= 0)
        {
            return index;
        }
        headers.Add(name);
        return headers.Count - 1;
    }
}

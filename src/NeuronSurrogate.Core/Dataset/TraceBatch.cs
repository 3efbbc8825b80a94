using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Dataset;

/// <summary>
/// Simulated traces of consecutive runs, stored trace-major: trace <c>(run − FirstRun) × NeuronsPerRun + neuron</c>,
/// step t at <c>trace × Steps + t</c>.
/// </summary>
public sealed class TraceBatch
{
    /// <summary>Allocates a batch.</summary>
    /// <param name="firstRun">The first run.</param>
    /// <param name="runCount">The runs.</param>
    /// <param name="neuronsPerRun">Traces per run.</param>
    /// <param name="steps">Recorded steps per trace.</param>
    /// <param name="timeStepMs">The recording step.</param>
    /// <param name="includeRecovery">Whether to hold Izhikevich's recovery variable.</param>
    /// <param name="currentColumns">The current columns, <c>current</c> first; defaults to <c>current</c> alone.</param>
    /// <param name="spikes">How the spike column is derived from the voltages.</param>
    public TraceBatch(int firstRun, int runCount, int neuronsPerRun, int steps, double timeStepMs, bool includeRecovery,
        IReadOnlyList<string>? currentColumns = null, SpikeRecording spikes = SpikeRecording.PeakAndReset)
    {
        FirstRun = firstRun;
        RunCount = runCount;
        NeuronsPerRun = neuronsPerRun;
        Steps = steps;
        TimeStepMs = timeStepMs;
        Spikes = spikes;
        CurrentColumns = currentColumns ?? [Data.TraceColumns.Current];
        if (CurrentColumns.Count == 0 || CurrentColumns[0] != Data.TraceColumns.Current)
        {
            throw new ArgumentException($"the current columns must start with '{Data.TraceColumns.Current}'", nameof(currentColumns));
        }
        int values = checked(runCount * neuronsPerRun * steps);
        Inputs = [.. CurrentColumns.Select(_ => new double[values])];
        VoltagesMv = new double[values];
        Recovery = includeRecovery ? new double[values] : null;
    }

    public int FirstRun { get; }
    public int RunCount { get; }
    public int NeuronsPerRun { get; }
    public int Steps { get; }
    public double TimeStepMs { get; }
    public int TraceCount => RunCount * NeuronsPerRun;

    /// <summary>The current columns, <c>current</c> first.</summary>
    public IReadOnlyList<string> CurrentColumns { get; }

    /// <summary>One trace-major array per current column.</summary>
    public IReadOnlyList<double[]> Inputs { get; }

    /// <summary>Input currents (the <c>current</c> column), trace-major.</summary>
    public double[] Currents => Inputs[0];

    /// <summary>How the spike column is derived from the voltages.</summary>
    public SpikeRecording Spikes { get; }

    /// <summary>Recorded voltages in mV, trace-major (30 mV exactly on spike steps).</summary>
    public double[] VoltagesMv { get; }

    /// <summary>The recovery variable u, trace-major, when recorded.</summary>
    public double[]? Recovery { get; }

    /// <summary>Traces whose state stopped being finite.</summary>
    public IReadOnlyList<TraceDivergence> Divergences { get; set; } = [];

    /// <summary>One trace's slice of a trace-major array.</summary>
    public Span<double> Trace(double[] values, int trace) => values.AsSpan(trace * Steps, Steps);

    /// <summary>The time of step <paramref name="step"/> in ms, rounded to 9 decimals so it prints as written (0.3, not 0.30000000000000004).</summary>
    public static double TimeOf(int step, double timeStepMs) => Math.Round(step * timeStepMs, 9);
}

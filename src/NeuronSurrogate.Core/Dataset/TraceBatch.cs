using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Dataset;

/// <summary>
/// Simulated traces of consecutive runs, stored trace-major: trace <c>(run − FirstRun) × NeuronsPerRun + neuron</c>,
/// step t at <c>trace × Steps + t</c>.
/// </summary>
public sealed class TraceBatch
{
    public TraceBatch(int firstRun, int runCount, int neuronsPerRun, int steps, double timeStepMs, bool includeRecovery)
    {
        FirstRun = firstRun;
        RunCount = runCount;
        NeuronsPerRun = neuronsPerRun;
        Steps = steps;
        TimeStepMs = timeStepMs;
        int values = checked(runCount * neuronsPerRun * steps);
        Currents = new double[values];
        VoltagesMv = new double[values];
        Recovery = includeRecovery ? new double[values] : null;
    }

    public int FirstRun { get; }
    public int RunCount { get; }
    public int NeuronsPerRun { get; }
    public int Steps { get; }
    public double TimeStepMs { get; }
    public int TraceCount => RunCount * NeuronsPerRun;

    /// <summary>Input currents, trace-major.</summary>
    public double[] Currents { get; }

    /// <summary>Recorded voltages in mV, trace-major (30 mV exactly on spike steps).</summary>
    public double[] VoltagesMv { get; }

    /// <summary>The recovery variable u, trace-major, when recorded.</summary>
    public double[]? Recovery { get; }

    /// <summary>Traces whose state stopped being finite.</summary>
    public IReadOnlyList<TraceDivergence> Divergences { get; internal set; } = [];

    /// <summary>One trace's slice of a trace-major array.</summary>
    public Span<double> Trace(double[] values, int trace) => values.AsSpan(trace * Steps, Steps);

    /// <summary>The time of step <paramref name="step"/> in ms, rounded to 9 decimals so it prints as written (0.3, not 0.30000000000000004).</summary>
    public static double TimeOf(int step, double timeStepMs) => Math.Round(step * timeStepMs, 9);
}

using NeuronSurrogate.Data;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Dataset;

/// <summary>
/// A simulation's batch: consecutive runs of <see cref="NeuronsPerRun"/> traces each, trace
/// <c>(run − FirstRun) × NeuronsPerRun + neuron</c> (or any list of traces, one per "run"), held in one <see cref="TraceSet"/> (the trace-major layout every
/// other part reads), with how its spikes are recorded and which traces diverged. Its arrays are the set's arrays.
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
        : this(Enumerable.Range(0, checked(runCount * neuronsPerRun)).Select(t => (long)firstRun + t / neuronsPerRun).ToArray(),
            Enumerable.Range(0, checked(runCount * neuronsPerRun)).Select(t => (long)(t % neuronsPerRun)).ToArray(),
            steps, timeStepMs, includeRecovery, currentColumns, spikes)
    {
        FirstRun = firstRun;
        RunCount = runCount;
        NeuronsPerRun = neuronsPerRun;
    }

    /// <summary>Allocates a batch of the given traces, in order (any runs and neurons): one trace per "run" of the batch.</summary>
    /// <param name="runs">The run of each trace.</param>
    /// <param name="neurons">The neuron of each trace.</param>
    /// <param name="steps">Recorded steps per trace.</param>
    /// <param name="timeStepMs">The recording step.</param>
    /// <param name="includeRecovery">Whether to hold Izhikevich's recovery variable.</param>
    /// <param name="currentColumns">The current columns, <c>current</c> first; defaults to <c>current</c> alone.</param>
    /// <param name="spikes">How the spike column is derived from the voltages.</param>
    public TraceBatch(long[] runs, long[] neurons, int steps, double timeStepMs, bool includeRecovery,
        IReadOnlyList<string>? currentColumns = null, SpikeRecording spikes = SpikeRecording.PeakAndReset)
    {
        ArgumentNullException.ThrowIfNull(runs);
        RunCount = runs.Length;
        NeuronsPerRun = 1;
        Spikes = spikes;
        CurrentColumns = currentColumns ?? [TraceColumns.Current];
        if (CurrentColumns.Count == 0 || CurrentColumns[0] != TraceColumns.Current)
        {
            throw new ArgumentException($"the current columns must start with '{TraceColumns.Current}'", nameof(currentColumns));
        }
        int values = checked(runs.Length * steps);
        Inputs = [.. CurrentColumns.Select(_ => new double[values])];
        Traces = new TraceSet(runs, neurons, steps, timeStepMs, Inputs[0], new double[values], includeRecovery ? new double[values] : null,
            [.. CurrentColumns.Skip(1).Select((column, i) => (column, Inputs[i + 1]))]);
    }

    /// <summary>The traces.</summary>
    public TraceSet Traces { get; }

    public int FirstRun { get; }
    public int RunCount { get; }
    public int NeuronsPerRun { get; }
    public int Steps => Traces.Steps;
    public double TimeStepMs => Traces.TimeStepMs;
    public int TraceCount => Traces.TraceCount;

    /// <summary>The current columns, <c>current</c> first.</summary>
    public IReadOnlyList<string> CurrentColumns { get; }

    /// <summary>The arrays of <see cref="TraceSet.Inputs"/>, one per current column.</summary>
    public IReadOnlyList<double[]> Inputs { get; }

    /// <summary>Input currents (the <c>current</c> column), trace-major.</summary>
    public double[] Currents => Traces.Currents;

    /// <summary>How the spike column is derived from the voltages.</summary>
    public SpikeRecording Spikes { get; }

    /// <summary>Recorded voltages in mV, trace-major (30 mV exactly on spike steps).</summary>
    public double[] VoltagesMv => Traces.VoltagesMv;

    /// <summary>The recovery variable u, trace-major, when recorded.</summary>
    public double[]? Recovery => Traces.Recovery;

    /// <summary>Each trace's input events (synaptic input, DESIGN section 12), in trace order; null when the traces are driven by currents alone.</summary>
    public IReadOnlyList<TraceEvents>? Events { get; set; }

    /// <summary>Traces whose state stopped being finite.</summary>
    public IReadOnlyList<TraceDivergence> Divergences { get; set; } = [];

    /// <summary>One trace's slice of a trace-major array.</summary>
    public Span<double> Trace(double[] values, int trace) => Traces.Trace(values, trace);

    /// <summary>The time of step <paramref name="step"/> in ms, rounded to 9 decimals so it prints as written (0.3, not 0.30000000000000004).</summary>
    public static double TimeOf(int step, double timeStepMs) => Math.Round(step * timeStepMs, 9);
}

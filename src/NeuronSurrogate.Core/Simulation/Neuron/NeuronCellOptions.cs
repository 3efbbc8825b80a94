namespace NeuronSurrogate.Simulation;

/// <summary>How a NEURON cell is run: processes, solver step, time limit, which Python.</summary>
public sealed record NeuronCellOptions
{
    /// <summary>NEURON processes run at once, one contiguous shard of a batch's traces each. Defaults to one per core.</summary>
    public int Processes { get; init; } = Environment.ProcessorCount;

    /// <summary>The largest solver step in ms; null for the cell file's own <c>dt</c> (0.025 ms when it names none).</summary>
    public double? SolverStepMs { get; init; }

    /// <summary>
    /// Null (the default) for NEURON's fixed step; else CVode, NEURON's variable-step integrator, with this absolute
    /// tolerance (mV for v). <see cref="SolverStepMs"/> is then ignored.
    /// </summary>
    public double? CvodeAbsoluteTolerance { get; init; }

    /// <summary>
    /// The most seconds one NEURON process may take before it is stopped; null for a bound from the work itself
    /// (60 s plus 20 times what NEURON needs at ~0.034 µs per segment and solver step, as measured on this machine).
    /// </summary>
    public double? TimeoutSeconds { get; init; }

    /// <summary>
    /// The Python that runs NEURON; null to try, in order, the <c>NEURON_PYTHON</c> environment variable, <c>python3</c>
    /// on the PATH and <c>/usr/bin/python3</c> (where Debian's <c>python3-neuron</c> installs), keeping the first that imports neuron.
    /// </summary>
    public string? Python { get; init; }
}

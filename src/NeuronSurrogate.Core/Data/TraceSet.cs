namespace NeuronSurrogate.Data;

/// <summary>
/// Traces of equal length held in memory, trace-major (<c>[trace, step]</c>), with each trace's run and neuron:
/// what the rollouts, the trainers and the metrics work on.
/// </summary>
public sealed class TraceSet
{
    /// <summary>Creates a set.</summary>
    /// <param name="runs">The run of each trace.</param>
    /// <param name="neurons">The neuron of each trace.</param>
    /// <param name="steps">Steps per trace.</param>
    /// <param name="timeStepMs">The step in ms.</param>
    /// <param name="currents">The <c>current</c> column, trace-major.</param>
    /// <param name="voltagesMv">The voltages, trace-major.</param>
    /// <param name="recovery">Izhikevich's recovery variable, when recorded.</param>
    /// <param name="otherInputs">Further current columns (such as <c>current_dend</c>), in order, trace-major.</param>
    public TraceSet(long[] runs, long[] neurons, int steps, double timeStepMs, double[] currents, double[] voltagesMv, double[]? recovery = null,
        IReadOnlyList<(string Column, double[] Values)>? otherInputs = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(neurons);
        ArgumentNullException.ThrowIfNull(currents);
        ArgumentNullException.ThrowIfNull(voltagesMv);
        if (runs.Length != neurons.Length || (long)runs.Length * steps != currents.Length || voltagesMv.Length != currents.Length
            || (recovery is not null && recovery.Length != currents.Length))
        {
            throw new ArgumentException($"{runs.Length} traces × {steps} steps do not match buffers of {currents.Length}, {voltagesMv.Length} and {recovery?.Length} values");
        }
        Runs = runs;
        Neurons = neurons;
        Steps = steps;
        TimeStepMs = timeStepMs;
        Currents = currents;
        VoltagesMv = voltagesMv;
        Recovery = recovery;
        var inputs = new List<(string, double[])> { (TraceColumns.Current, currents) };
        foreach (var (column, values) in otherInputs ?? [])
        {
            ArgumentNullException.ThrowIfNull(values);
            if (values.Length != currents.Length || inputs.Any(i => i.Item1 == column))
            {
                throw new ArgumentException($"input column '{column}': expected {currents.Length} values under a new name, got {values.Length}");
            }
            inputs.Add((column, values));
        }
        Inputs = inputs;
    }

    /// <summary>Every current column, <c>current</c> first, trace-major.</summary>
    public IReadOnlyList<(string Column, double[] Values)> Inputs { get; }

    /// <summary>The names of <see cref="Inputs"/>, in order.</summary>
    public IReadOnlyList<string> InputColumns => Inputs.Select(i => i.Column).ToArray();

    /// <summary>The values of the current column <paramref name="column"/>.</summary>
    /// <exception cref="KeyNotFoundException">The set has no such column.</exception>
    public double[] Input(string column) =>
        Inputs.FirstOrDefault(i => i.Column == column).Values ?? throw new KeyNotFoundException($"no current column '{column}' (the traces have {string.Join(", ", InputColumns)})");

    /// <summary>The run of each trace.</summary>
    public long[] Runs { get; }

    /// <summary>The neuron of each trace.</summary>
    public long[] Neurons { get; }

    /// <summary>Steps per trace.</summary>
    public int Steps { get; }

    /// <summary>The step in ms.</summary>
    public double TimeStepMs { get; }

    /// <summary>Currents, <c>[trace, step]</c>.</summary>
    public double[] Currents { get; }

    /// <summary>Recorded voltages in mV, <c>[trace, step]</c>.</summary>
    public double[] VoltagesMv { get; }

    /// <summary>The recovery variable u, when the data has it.</summary>
    public double[]? Recovery { get; }

    /// <summary>The number of traces.</summary>
    public int TraceCount => Runs.Length;

    /// <summary>One trace's slice of a trace-major array of this set.</summary>
    public Span<double> Trace(double[] values, int trace) => values.AsSpan(trace * Steps, Steps);

    /// <summary>
    /// The same traces without the simulator's recovery variable: what a surrogate that must not see the simulator's
    /// internal state is given (the arrays are shared, not copied).
    /// </summary>
    public TraceSet WithoutRecovery() => new(Runs, Neurons, Steps, TimeStepMs, Currents, VoltagesMv, null, Inputs.Skip(1).ToArray());

    /// <summary>The traces whose run is in <paramref name="runs"/>, in their original order.</summary>
    public TraceSet SelectRuns(IReadOnlySet<long> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var picked = Enumerable.Range(0, TraceCount).Where(i => runs.Contains(Runs[i])).ToArray();
        return Select(picked);
    }

    /// <summary>The given traces, in the given order.</summary>
    public TraceSet Select(IReadOnlyList<int> traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        double[] Copy(double[] source)
        {
            var result = new double[traces.Count * Steps];
            for (int i = 0; i < traces.Count; i++)
            {
                source.AsSpan(traces[i] * Steps, Steps).CopyTo(result.AsSpan(i * Steps, Steps));
            }
            return result;
        }
        return new TraceSet(traces.Select(i => Runs[i]).ToArray(), traces.Select(i => Neurons[i]).ToArray(), Steps, TimeStepMs,
            Copy(Currents), Copy(VoltagesMv), Recovery is null ? null : Copy(Recovery), Inputs.Skip(1).Select(i => (i.Column, Copy(i.Values))).ToArray());
    }
}

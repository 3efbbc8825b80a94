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

    /// <summary>Each trace's synaptic input events, in trace order, or null where the traces were driven by currents alone.</summary>
    public IReadOnlyList<TraceEvents>? Events { get; private init; }

    /// <summary>The cell's synapse count when <see cref="Events"/> is set (ids 0 … count − 1).</summary>
    public int SynapseCount { get; private init; }

    /// <summary>The same traces (arrays shared) with their input events, one entry per trace in order, for a cell of <paramref name="synapseCount"/> synapses.</summary>
    /// <exception cref="ArgumentException">The events are not one per trace in order, or name a synapse outside the table.</exception>
    public TraceSet WithEvents(IReadOnlyList<TraceEvents> events, int synapseCount)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(synapseCount);
        if (events.Count != TraceCount)
        {
            throw new ArgumentException($"{events.Count} event lists for {TraceCount} traces");
        }
        for (int i = 0; i < TraceCount; i++)
        {
            if (events[i].Run != Runs[i] || events[i].Neuron != Neurons[i])
            {
                throw new ArgumentException($"trace {i} is run {Runs[i]}, neuron {Neurons[i]}; its events are run {events[i].Run}, neuron {events[i].Neuron}");
            }
            if (events[i].Synapses.Any(s => (uint)s >= (uint)synapseCount))
            {
                throw new ArgumentException($"run {Runs[i]}, neuron {Neurons[i]}: a synapse id outside 0…{synapseCount - 1}");
            }
        }
        return new TraceSet(Runs, Neurons, Steps, TimeStepMs, Currents, VoltagesMv, Recovery, Inputs.Skip(1).ToArray()) { Events = events, SynapseCount = synapseCount };
    }

    /// <summary>One trace's slice of a trace-major array of this set.</summary>
    public Span<double> Trace(double[] values, int trace) => values.AsSpan(trace * Steps, Steps);

    /// <summary>
    /// The same traces without the simulator's recovery variable: what a surrogate that must not see the simulator's
    /// internal state is given (the arrays are shared, not copied).
    /// </summary>
    public TraceSet WithoutRecovery() => new(Runs, Neurons, Steps, TimeStepMs, Currents, VoltagesMv, null, Inputs.Skip(1).ToArray())
    {
        Events = Events,
        SynapseCount = SynapseCount,
    };

    /// <summary>The traces whose run is in <paramref name="runs"/>, in their original order.</summary>
    public TraceSet SelectRuns(IReadOnlySet<long> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var picked = Enumerable.Range(0, TraceCount).Where(i => runs.Contains(Runs[i])).ToArray();
        return Select(picked);
    }

    /// <summary>
    /// The traces of <paramref name="sets"/> one after the other (same length, step and input columns; events on all or
    /// none, for the same synapse count).
    /// </summary>
    /// <exception cref="ArgumentException">The sets do not line up.</exception>
    public static TraceSet Concat(IReadOnlyList<TraceSet> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (sets.Count == 0)
        {
            throw new ArgumentException("no sets to join");
        }
        var first = sets[0];
        if (sets.Any(s => s.Steps != first.Steps || s.TimeStepMs != first.TimeStepMs || !s.InputColumns.SequenceEqual(first.InputColumns)
            || (s.Recovery is null) != (first.Recovery is null) || (s.Events is null) != (first.Events is null) || s.SynapseCount != first.SynapseCount))
        {
            throw new ArgumentException($"sets of traces that line up: the same steps ({first.Steps}), step, input columns, recovery and events");
        }
        double[] Join(Func<TraceSet, double[]> part) => sets.SelectMany(part).ToArray();
        return new TraceSet(sets.SelectMany(s => s.Runs).ToArray(), sets.SelectMany(s => s.Neurons).ToArray(), first.Steps, first.TimeStepMs,
            Join(s => s.Currents), Join(s => s.VoltagesMv), first.Recovery is null ? null : Join(s => s.Recovery!),
            first.Inputs.Skip(1).Select((input, c) => (input.Column, Join(s => s.Inputs[c + 1].Values))).ToArray())
        {
            Events = first.Events is null ? null : sets.SelectMany(s => s.Events!).ToArray(),
            SynapseCount = first.SynapseCount,
        };
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
            Copy(Currents), Copy(VoltagesMv), Recovery is null ? null : Copy(Recovery), Inputs.Skip(1).Select(i => (i.Column, Copy(i.Values))).ToArray())
        {
            Events = Events is null ? null : traces.Select(i => Events[i]).ToArray(),
            SynapseCount = SynapseCount,
        };
    }
}

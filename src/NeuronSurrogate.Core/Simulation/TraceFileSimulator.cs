using System.Globalization;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;

namespace NeuronSurrogate.Simulation;

/// <summary>
/// Runs a neuron model on a user's currents file (<c>run,neuron,time_ms,current</c>, other columns passed through
/// unchanged) and writes <c>voltage</c> and <c>spike</c> (and <c>recovery</c> when asked) beside them. Consecutive
/// traces of equal length and dt are simulated together in batches of at most <see cref="BatchTraces"/>, so memory
/// is bounded by the batch, not the file, and a simulator that runs in other processes (NEURON) starts once a batch.
/// </summary>
public static class TraceFileSimulator
{
    /// <summary>The most traces simulated in one batch.</summary>
    public const int BatchTraces = 4096;

    /// <summary>The most rows simulated in one batch (a longer trace is a batch of its own): bounds memory whatever the file's size.</summary>
    public const long BatchRows = 1 << 20;

    /// <summary>Simulates every trace of <paramref name="inputPath"/> into <paramref name="outputPath"/>.</summary>
    /// <param name="inputPath">The currents CSV, or <c>-</c> for standard input.</param>
    /// <param name="outputPath">The traces CSV to write (see <see cref="AtomicFile"/>).</param>
    /// <param name="model">The neuron; dt is taken from each trace's time column.</param>
    /// <param name="includeRecovery">Whether to write Izhikevich's recovery variable u.</param>
    /// <param name="eventsPath">An input-events file (<see cref="EventFile"/>) for a model with synapses: each trace of the input gets its events; null for none.</param>
    /// <exception cref="InputException">The input breaks the contract, the output cannot be written, or a trace diverges.</exception>
    /// <exception cref="SimulatorException">An external simulator failed.</exception>
    public static TraceFileSummary Run(string inputPath, string outputPath, INeuronModel model, bool includeRecovery = false, string? eventsPath = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var events = eventsPath is null ? null : new TraceEventsLookup(eventsPath, ReadEvents(eventsPath, model));
        if (includeRecovery && !model.RecordsRecovery)
        {
            throw new ArgumentException($"--recovery: the {model.Name} model has no recovery variable (only izhikevich does)");
        }
        // The model's further current columns (a NEURON cell's current_dend) drive it where the file has them.
        using var reader = TraceReader.Open(inputPath, [TraceColumns.Current], keepFields: true, optionalColumns: model.CurrentColumns);
        var inputs = reader.Buffer.NumericColumns.ToArray();
        NewColumn[] columns = [new(TraceColumns.Voltage, NewColumnKind.Number), new(TraceColumns.Spike, NewColumnKind.Flag),
            .. includeRecovery ? [new NewColumn(TraceColumns.Recovery, NewColumnKind.Number)] : Array.Empty<NewColumn>()];
        long rows = 0, spikes = 0;
        int traces = 0;
        AtomicFile.Write(outputPath, stream =>
        {
            var writer = TraceFileWriter.Create(outputPath, stream, reader.Headers, columns);
            foreach (var pending in reader.ReadBatches(BatchTraces, (first, next) => first.Count == next.Count && TimeStepOf(first) == TimeStepOf(next),
                trace => CheckTimeStep(reader, trace, model), BatchRows))
            {
                var batch = new TraceBatch(0, pending.Count, 1, pending[0].Count, TimeStepOf(pending[0]), includeRecovery, inputs, model.Spikes);
                if (events is not null)
                {
                    batch.Events = [.. pending.Select(t => events.For(t.Run, t.Neuron, t.Count, TimeStepOf(t)))];
                }
                for (int b = 0; b < pending.Count; b++)
                {
                    for (int i = 0; i < inputs.Length; i++)
                    {
                        pending[b].Columns[inputs[i]].CopyTo(batch.Trace(batch.Inputs[i], b));
                    }
                }
                var divergences = model.Simulate(batch);
                if (divergences.Count > 0)
                {
                    var d = divergences[0];
                    var t = pending[d.Trace];
                    throw reader.ErrorAt(t, d.Step, TraceColumns.Current, null,
                        string.Create(CultureInfo.InvariantCulture,
                            $"currents that keep the model finite: trace (run {t.Run}, neuron {t.Neuron}) diverged (NaN or infinity) at step {d.Step}, time_ms {t.Times[d.Step]:R}"));
                }
                var flags = new sbyte[batch.VoltagesMv.Length];
                Parallel.For(0, pending.Count, b =>
                {
                    var voltages = batch.Trace(batch.VoltagesMv, b);
                    var traceFlags = flags.AsSpan(b * batch.Steps, batch.Steps);
                    for (int k = 0; k < voltages.Length; k++)
                    {
                        traceFlags[k] = (sbyte)SpikeFlags.At(model.Spikes, voltages, k);
                    }
                });
                writer.Write(pending, includeRecovery ? [batch.VoltagesMv, flags, batch.Recovery!] : [batch.VoltagesMv, flags]);
                spikes += flags.Sum(f => (long)f);
                rows += (long)pending.Count * pending[0].Count;
                traces += pending.Count;
            }
            events?.CheckAllUsed(inputPath);
            writer.Complete();
        });
        return new TraceFileSummary(rows, traces, spikes);
    }

    /// <summary>
    /// Simulates the traces an input-events file names, each <paramref name="durationMs"/> long at
    /// <paramref name="timeStepMs"/>, with no injected current (the <c>current</c> column is 0), into
    /// <paramref name="outputPath"/>: the traces contract's columns.
    /// </summary>
    /// <exception cref="InputException">The events break the contract, or the output cannot be written.</exception>
    /// <exception cref="SimulatorException">NEURON failed.</exception>
    public static TraceFileSummary RunEvents(string eventsPath, string outputPath, INeuronModel model, double durationMs, double timeStepMs)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.CheckRecordingStep(timeStepMs);
        if (!(durationMs > 0) || double.IsInfinity(durationMs))
        {
            throw new ArgumentOutOfRangeException(nameof(durationMs), durationMs, "--duration: expected a positive number of ms");
        }
        var events = ReadEvents(eventsPath, model);
        int steps = checked((int)Math.Round(durationMs / timeStepMs));
        var batch = new TraceBatch([.. events.Select(e => e.Run)], [.. events.Select(e => e.Neuron)], steps, timeStepMs, false, null, model.Spikes);
        foreach (var trace in events)
        {
            TraceEventsLookup.CheckWithin(eventsPath, trace, steps, timeStepMs);
        }
        batch.Events = events;
        var divergences = model.Simulate(batch);
        if (divergences.Count > 0)
        {
            var d = divergences[0];
            throw InputException.About(eventsPath, string.Create(CultureInfo.InvariantCulture,
                $"events that keep the model finite: trace (run {batch.Traces.Runs[d.Trace]}, neuron {batch.Traces.Neurons[d.Trace]}) diverged at step {d.Step}"));
        }
        Dataset.DatasetParquetWriter.WriteFile(outputPath, batch);
        long spikes = Enumerable.Range(0, batch.TraceCount).Sum(t => (long)SpikeFlags.Count(model.Spikes, batch.Trace(batch.VoltagesMv, t)));
        return new TraceFileSummary((long)batch.TraceCount * steps, batch.TraceCount, spikes);
    }

    private static IReadOnlyList<TraceEvents> ReadEvents(string eventsPath, INeuronModel model)
    {
        if (model.Synapses.Count == 0)
        {
            throw new ArgumentException($"--events: the {model.Name} model has no synapses (a NEURON cell file with 'synapses' has, e.g. models/cells/pyramid_synaptic.py)");
        }
        return EventFile.Read(eventsPath, model.Synapses.Count);
    }

    private static void CheckTimeStep(TraceReader reader, BufferedTrace trace, INeuronModel model)
    {
        try
        {
            model.CheckRecordingStep(TimeStepOf(trace));
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw reader.ErrorAt(trace, 1, TraceColumns.TimeMs, trace.Times[1].ToString("R", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture,
                    $"a time step between the {model.Name} model's limits (trace run {trace.Run}, neuron {trace.Neuron} has dt = {TimeStepOf(trace):R} ms: {ExceptionMessages.OneLine(e)})"));
        }
    }

    /// <summary>A trace's dt; a one-row trace records only its initial state, whatever dt is, so it takes 0.1 ms.</summary>
    private static double TimeStepOf(BufferedTrace trace) => trace.Count >= 2 ? trace.TimeStepMs : 0.1;
}

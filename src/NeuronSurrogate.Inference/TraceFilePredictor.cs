using System.Globalization;
using NeuronSurrogate.Data;
using NeuronSurrogate.Metrics;

namespace NeuronSurrogate.Inference;

/// <summary>
/// Runs a surrogate over a currents CSV and writes the input rows plus <c>predicted_voltage</c> and <c>predicted_spike</c>,
/// in batches of consecutive traces of equal length, so memory is bounded by the batch, not the file. The next batch is read
/// while one is predicted, and the output rows are formatted on every core and written in order.
/// </summary>
public static class TraceFilePredictor
{
    public const string PredictedVoltage = TraceColumns.PredictedVoltage, PredictedSpike = TraceColumns.PredictedSpike;

    /// <summary>
    /// Predicts every trace of <paramref name="inputPath"/> into <paramref name="outputPath"/> (through a temporary file), calling
    /// <paramref name="progress"/> after each batch with the rows written and the share of the input read (null for standard input).
    /// A synaptic model reads <paramref name="events"/>, an events file's traces by (run, neuron) (<c>predict --events</c>; a trace
    /// without an entry has none, and every event must fall within its trace): the input file then gives only the traces' grid (run, neuron, time_ms), and the output
    /// gains <c>predicted_spike_probability</c>.
    /// </summary>
    /// <exception cref="InputException">The input breaks the contract, lacks the columns the mode needs, or has another dt than the model.</exception>
    public static PredictionSummary Run(ISurrogate model, string inputPath, string outputPath, PredictionMode mode, int batchSize = 4096,
        Action<long, double?>? progress = null, TraceEventsLookup? events = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var synaptic = model as LatentSurrogate is { Spec.IsSynaptic: true } latent ? latent : null;
        if (synaptic is not null && (events is null || mode != PredictionMode.ClosedLoop))
        {
            throw new ArgumentException($"{model.ModelPath} reads synaptic input events: give them with --events (closed loop only)");
        }
        if (synaptic is null && events is not null)
        {
            throw new ArgumentException($"--events for {model.ModelPath}, which reads currents ({string.Join(", ", model.InputColumns)}), not input events");
        }
        string[] numeric = mode == PredictionMode.ClosedLoop ? [.. model.InputColumns] : [.. model.InputColumns, .. model.TeacherForcedColumns];
        TraceReader reader;
        try
        {
            reader = TraceReader.Open(inputPath, numeric, keepFields: true);
        }
        catch (InputException e) when (e.Line == 1 && e.Column is not null && model.InputColumns.Contains(e.Column) && e.Column != TraceColumns.Current)
        {
            throw InputException.InHeader(inputPath, e.Column,
                $"every current the model reads ({string.Join(", ", model.InputColumns)}; {model.ModelPath} was trained with a '{e.Column}' input)");
        }
        catch (InputException e) when (mode == PredictionMode.TeacherForced && e.Line == 1 && e.Column is not null && model.TeacherForcedColumns.Contains(e.Column))
        {
            throw InputException.InHeader(inputPath, e.Column,
                $"the true state columns for teacher-forced mode ({string.Join(", ", model.TeacherForcedColumns)}); closed-loop mode needs only the currents");
        }
        using (reader)
        {
            var divergences = new List<PredictionDivergence>();
            var envelope = model.Envelope is { } card ? new EnvelopeCheck(card) : null;
            long rows = 0, spikes = 0;
            int traces = 0;
            AtomicFile.Write(outputPath, stream =>
            {
                NewColumn[] added = [new NewColumn(PredictedVoltage, NewColumnKind.Number, Nullable: true), new NewColumn(PredictedSpike, NewColumnKind.Flag, Nullable: true)];
                var writer = TraceFileWriter.Create(outputPath, stream, reader.Headers,
                    synaptic is null ? added : [.. added, new NewColumn(TraceColumns.PredictedSpikeProbability, NewColumnKind.Number, Nullable: true)]);
                var batches = reader.ReadBatches(batchSize, (first, next) => first.Count == next.Count,
                    trace => CheckTimeStep(reader, trace, model.TimeStepMs), BatchRows);
                foreach (var batch in ReadAhead.Of(batches))
                {
                    int steps = batch[0].Count;
                    envelope?.Add(batch);
                    var columns = numeric.ToDictionary(c => c, c => Concatenate(batch, c, steps));
                    var predictions = new double[batch.Count * steps];
                    double[]? probability = synaptic is null ? null : new double[predictions.Length];
                    var diverged = synaptic is null
                        ? model.Predict(mode, columns, predictions, batch.Count)
                        : synaptic.PredictEvents(batch.Select(t => events!.For(t.Run, t.Neuron, steps, model.TimeStepMs)).ToArray(), steps, predictions, probability!);
                    var flags = new sbyte[predictions.Length];
                    var spikeCounts = new int[batch.Count];
                    Parallel.For(0, batch.Count, b => spikeCounts[b] = SpikeFlags(predictions.AsSpan(b * steps, steps), flags.AsSpan(b * steps, steps), model.TimeStepMs));
                    if (probability is not null)
                    {
                        for (int i = 0; i < predictions.Length; i++)
                        {
                            probability[i] = double.IsFinite(predictions[i]) ? probability[i] : double.NaN;
                        }
                    }
                    writer.Write(batch, probability is null ? [predictions, flags] : [predictions, flags, probability]);
                    for (int b = 0; b < batch.Count; b++)
                    {
                        if (diverged[b] >= 0)
                        {
                            var trace = batch[b];
                            divergences.Add(new PredictionDivergence(trace.Run, trace.Neuron, diverged[b], trace.Times[diverged[b]]));
                        }
                        spikes += spikeCounts[b];
                    }
                    rows += (long)batch.Count * steps;
                    traces += batch.Count;
                    progress?.Invoke(rows, reader.FractionRead);
                }
                events?.CheckAllUsed(inputPath);
                writer.Complete();
            });
            return new PredictionSummary(rows, traces, spikes, divergences, envelope?.Warnings ?? []);
        }
    }

    /// <summary>
    /// The most rows predicted together: bounds memory whatever the traces' length (two batches in flight, with the
    /// arrays of reading, predicting and writing them). Measured on a 3000 × 200 ms Parquet file with the JIT build: peak
    /// resident memory 136 MB at 2¹⁶ rows, 168 MB at 2¹⁷, 230 MB at 2¹⁸, at the same speed (the rollout still spreads a
    /// batch of a few long traces over every core: <see cref="NeuronSurrogate.Rollout.LatentRollout.BlockSize"/>).
    /// </summary>
    public const long BatchRows = 1 << 16;

    private static double[] Concatenate(IReadOnlyList<BufferedTrace> batch, string column, int steps)
    {
        var values = new double[batch.Count * steps];
        for (int b = 0; b < batch.Count; b++)
        {
            batch[b].Columns[column].CopyTo(values, b * steps);
        }
        return values;
    }

    /// <summary>A predicted trace's spike flags (<see cref="SpikeDetector"/>): 1 on spike steps, 0 elsewhere, −1 (empty) where the prediction is not finite.</summary>
    private static int SpikeFlags(ReadOnlySpan<double> predicted, Span<sbyte> flags, double timeStepMs)
    {
        int spikes = 0;
        foreach (double time in SpikeDetector.Detect(predicted, timeStepMs))
        {
            flags[(int)Math.Round(time / timeStepMs)] = 1;
            spikes++;
        }
        for (int t = 0; t < predicted.Length; t++)
        {
            if (!double.IsFinite(predicted[t]))
            {
                flags[t] = -1;
            }
        }
        return spikes;
    }

    private static void CheckTimeStep(TraceReader reader, BufferedTrace trace, double modelDt)
    {
        if (trace.Count < 2)
        {
            return;
        }
        double dt = trace.TimeStepMs;
        if (Math.Abs(dt - modelDt) > TraceReader.TimeStepTolerance * modelDt)
        {
            throw reader.ErrorAt(trace, 1, TraceColumns.TimeMs, trace.Times[1].ToString("R", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"the model's time step dt = {modelDt} ms (trace run {trace.Run}, neuron {trace.Neuron} has dt = {dt:R} ms)"));
        }
    }
}

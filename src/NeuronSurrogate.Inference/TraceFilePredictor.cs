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
    public const string PredictedVoltage = "predicted_voltage", PredictedSpike = "predicted_spike";

    /// <summary>
    /// Predicts every trace of <paramref name="inputPath"/> into <paramref name="outputPath"/> (through a temporary file), calling
    /// <paramref name="progress"/> after each batch with the rows written and the share of the input read (null for standard input).
    /// </summary>
    /// <exception cref="InputException">The input breaks the contract, lacks the columns the mode needs, or has another dt than the model.</exception>
    public static PredictionSummary Run(ISurrogate model, string inputPath, string outputPath, PredictionMode mode, int batchSize = 4096,
        Action<long, double?>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        string[] numeric = mode == PredictionMode.ClosedLoop ? [.. model.InputColumns] : [.. model.InputColumns, .. model.TeacherForcedColumns];
        TraceCsvReader reader;
        try
        {
            reader = TraceCsvReader.Open(inputPath, numeric, keepFields: true);
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
            var layout = new PassThroughLayout(reader.Headers, [PredictedVoltage, PredictedSpike]);
            var divergences = new List<PredictionDivergence>();
            long rows = 0, spikes = 0;
            int traces = 0;
            AtomicFile.Write(outputPath, stream =>
            {
                var header = new Utf8CsvBuffer(1024);
                header.Header(layout.Headers);
                header.CopyTo(stream);
                var writer = new OrderedCsvWriter(stream);
                var batches = reader.ReadBatches(batchSize, (first, next) => first.Count == next.Count,
                    trace => CheckTimeStep(reader, trace, model.TimeStepMs), BatchRows);
                foreach (var batch in ReadAhead.Of(batches))
                {
                    int steps = batch[0].Count;
                    var columns = numeric.ToDictionary(c => c, c => Concatenate(batch, c, steps));
                    var predictions = new double[batch.Count * steps];
                    var diverged = model.Predict(mode, columns, predictions, batch.Count);
                    var spikeCounts = new int[batch.Count];
                    writer.Write(batch.Count, (b, buffer) =>
                    {
                        var values = new PredictedValues(predictions, b * steps, steps, model.TimeStepMs);
                        spikeCounts[b] = values.Spikes;
                        var input = batch[b].Rows!;
                        for (int t = 0; t < steps; t++)
                        {
                            layout.Write(buffer, input[t], ref values, t);
                        }
                    });
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
            });
            return new PredictionSummary(rows, traces, spikes, divergences);
        }
    }

    /// <summary>The most rows predicted together: bounds memory (about 60 bytes a row in flight, two batches at a time) whatever the traces' length.</summary>
    public const long BatchRows = 1 << 18;

    private static double[] Concatenate(IReadOnlyList<BufferedTrace> batch, string column, int steps)
    {
        var values = new double[batch.Count * steps];
        for (int b = 0; b < batch.Count; b++)
        {
            batch[b].Columns[column].CopyTo(values, b * steps);
        }
        return values;
    }

    /// <summary>A trace's predicted voltage and spike flag, row by row: empty fields after a divergence.</summary>
    private readonly struct PredictedValues : IRowValues
    {
        private readonly double[] _predictions;
        private readonly int _offset;
        private readonly bool[] _spike;

        public PredictedValues(double[] predictions, int offset, int steps, double timeStepMs)
        {
            _predictions = predictions;
            _offset = offset;
            _spike = new bool[steps];
            var spikeTimes = SpikeDetector.Detect(predictions.AsSpan(offset, steps), timeStepMs);
            foreach (double time in spikeTimes)
            {
                _spike[(int)Math.Round(time / timeStepMs)] = true;
            }
            Spikes = _spike.Count(s => s);
        }

        public int Spikes { get; }

        public void Write(Utf8CsvBuffer buffer, int slot, int row)
        {
            double v = _predictions[_offset + row];
            if (!double.IsFinite(v))
            {
                return;
            }
            if (slot == 0)
            {
                buffer.Number(v);
            }
            else
            {
                buffer.Byte(_spike[row] ? (byte)'1' : (byte)'0');
            }
        }
    }

    private static void CheckTimeStep(TraceCsvReader reader, BufferedTrace trace, double modelDt)
    {
        if (trace.Count < 2)
        {
            return;
        }
        double dt = trace.TimeStepMs;
        if (Math.Abs(dt - modelDt) > TraceCsvReader.TimeStepTolerance * modelDt)
        {
            throw new InputException(reader.FilePath, trace.FirstLine + 1, trace.FirstRow + 1, TraceColumns.TimeMs,
                trace.Times[1].ToString("R", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"the model's time step dt = {modelDt} ms (trace run {trace.Run}, neuron {trace.Neuron} has dt = {dt:R} ms)"));
        }
    }
}

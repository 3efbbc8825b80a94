using System.Globalization;
using CsvHelper;
using NeuronSurrogate.Data;
using NeuronSurrogate.Metrics;

namespace NeuronSurrogate.Inference;

/// <summary>
/// Runs a surrogate over a currents CSV and writes the input rows plus <c>predicted_voltage</c> and <c>predicted_spike</c>,
/// in batches of consecutive traces of equal length, so memory is bounded by the batch, not the file.
/// </summary>
public static class TraceFilePredictor
{
    public const string PredictedVoltage = "predicted_voltage", PredictedSpike = "predicted_spike";

    /// <summary>Predicts every trace of <paramref name="inputPath"/> into <paramref name="outputPath"/> (through a temporary file).</summary>
    /// <exception cref="InputException">The input breaks the contract, lacks the columns the mode needs, or has another dt than the model.</exception>
    public static PredictionSummary Run(ISurrogate model, string inputPath, string outputPath, PredictionMode mode, int batchSize = 4096)
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
            var headers = reader.Headers.ToList();
            int voltageColumn = TraceColumns.IndexOrAppend(headers, PredictedVoltage);
            int spikeColumn = TraceColumns.IndexOrAppend(headers, PredictedSpike);
            var divergences = new List<PredictionDivergence>();
            long rows = 0, spikes = 0;
            int traces = 0;
            AtomicFile.Write(outputPath, stream =>
            {
                using var csv = CsvWriter.Create(stream, TraceCsvWriter.Options, leaveOpen: true);
                csv.WriteHeader(headers.ToArray());
                foreach (var batch in reader.ReadBatches(batchSize, (first, next) => first.Count == next.Count, trace => CheckTimeStep(reader, trace, model.TimeStepMs)))
                {
                    int steps = batch[0].Count;
                    var columns = numeric.ToDictionary(c => c, c => batch.SelectMany(b => b.Columns[c]).ToArray());
                    var predictions = new double[batch.Count * steps];
                    var diverged = model.Predict(mode, columns, predictions, batch.Count);
                    var row = new string[headers.Count];
                    for (int b = 0; b < batch.Count; b++)
                    {
                        var trace = batch[b];
                        var predicted = predictions.AsSpan(b * steps, steps);
                        if (diverged[b] >= 0)
                        {
                            divergences.Add(new PredictionDivergence(trace.Run, trace.Neuron, diverged[b], trace.Times[diverged[b]]));
                        }
                        var spikeSteps = SpikeDetector.Detect(predicted, model.TimeStepMs).Select(t => (int)Math.Round(t / model.TimeStepMs)).ToHashSet();
                        for (int t = 0; t < steps; t++)
                        {
                            Array.Copy(trace.Fields[t], row, trace.Fields[t].Length);
                            bool valid = double.IsFinite(predicted[t]);
                            row[voltageColumn] = valid ? predicted[t].ToString("R", CultureInfo.InvariantCulture) : "";
                            row[spikeColumn] = !valid ? "" : spikeSteps.Contains(t) ? "1" : "0";
                            csv.WriteRecord(row);
                        }
                        spikes += spikeSteps.Count;
                        rows += steps;
                        traces++;
                    }
                }
                csv.Flush();
            });
            return new PredictionSummary(rows, traces, spikes, divergences);
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

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
    public static PredictionSummary Run(SurrogateModel model, string inputPath, string outputPath, PredictionMode mode, int batchSize = 4096)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        string[] numeric = mode == PredictionMode.ClosedLoop
            ? [TraceColumns.Current]
            : model.IsStateSpace ? [TraceColumns.Current, TraceColumns.Voltage, TraceColumns.Recovery] : [TraceColumns.Current, TraceColumns.Voltage];
        TraceCsvReader reader;
        try
        {
            reader = TraceCsvReader.Open(inputPath, numeric, keepFields: true);
        }
        catch (InputException e) when (mode == PredictionMode.TeacherForced && e.Column is TraceColumns.Voltage or TraceColumns.Recovery)
        {
            throw new InputException(inputPath, 1, null, e.Column, null,
                $"the true state columns for teacher-forced mode ({string.Join(", ", numeric.Skip(1))}); closed-loop mode needs only the currents");
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
                var batch = new List<Buffered>();
                while (reader.ReadTrace())
                {
                    var trace = Buffered.From(reader.Buffer, mode, model.IsStateSpace);
                    CheckTimeStep(reader, trace, model.TimeStepMs);
                    if (batch.Count > 0 && (batch.Count >= batchSize || batch[0].Count != trace.Count))
                    {
                        Flush();
                    }
                    batch.Add(trace);
                }
                Flush();
                csv.Flush();

                void Flush()
                {
                    if (batch.Count == 0)
                    {
                        return;
                    }
                    int steps = batch[0].Count;
                    var currents = batch.SelectMany(b => b.Currents).ToArray();
                    var voltages = mode == PredictionMode.TeacherForced ? batch.SelectMany(b => b.Voltages!).ToArray() : null;
                    var recovery = mode == PredictionMode.TeacherForced && model.IsStateSpace ? batch.SelectMany(b => b.Recovery!).ToArray() : null;
                    var predictions = new double[currents.Length];
                    var diverged = model.Predict(mode, currents, voltages, recovery, predictions, batch.Count);
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
                    batch.Clear();
                }
            });
            return new PredictionSummary(rows, traces, spikes, divergences);
        }
    }

    private static void CheckTimeStep(TraceCsvReader reader, Buffered trace, double modelDt)
    {
        if (trace.Count < 2)
        {
            return;
        }
        double dt = trace.Times[1] - trace.Times[0];
        if (Math.Abs(dt - modelDt) > TraceCsvReader.TimeStepTolerance * modelDt)
        {
            throw new InputException(reader.FilePath, trace.FirstLine + 1, trace.FirstRow + 1, TraceColumns.TimeMs,
                trace.Times[1].ToString("R", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"the model's time step dt = {modelDt} ms (trace run {trace.Run}, neuron {trace.Neuron} has dt = {dt:R} ms)"));
        }
    }

    private sealed record Buffered(long Run, long Neuron, long FirstLine, long FirstRow, double[] Times, double[] Currents, double[]? Voltages, double[]? Recovery, string[][] Fields)
    {
        public int Count => Times.Length;

        public static Buffered From(TraceBuffer b, PredictionMode mode, bool stateSpace) => new(
            b.Run, b.Neuron, b.FirstLine, b.FirstRow, [.. b.TimesMs], [.. b.Column(TraceColumns.Current)],
            mode == PredictionMode.TeacherForced ? [.. b.Column(TraceColumns.Voltage)] : null,
            mode == PredictionMode.TeacherForced && stateSpace ? [.. b.Column(TraceColumns.Recovery)] : null,
            [.. b.Fields]);
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Features;
using NeuronSurrogate.Metrics;
using static System.FormattableString;

namespace NeuronSurrogate.Cli;

/// <summary><c>evaluate</c>: scores any predicted voltage column against the truth with the project's one set of metrics.</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliContext context)
    {
        var truth = new Option<string>("--truth", "-t") { Description = "Traces file (CSV, or Parquet for a .parquet name) with the true voltage column 'voltage' (- for standard input).", Required = true };
        var prediction = new Option<string>("--prediction", "-p") { Description = "Traces file (CSV or .parquet) with run,neuron,time_ms and the predicted voltage column (- for standard input, CSV).", Required = true };
        var column = new Option<string>("--column", "-c") { Description = "The predicted voltage column.", DefaultValueFactory = _ => TraceColumns.PredictedVoltage };
        var json = new Option<string?>("--json") { Description = "Also write the metrics as JSON to this file (- for standard output; the table then goes to standard error)." };
        var model = new Option<string?>("--model", "-m") { Description = "The latent model that made the predictions: warns on stderr where the prediction file's currents leave its card's training envelope." };
        var command = new Command("evaluate", "Score a predicted voltage column against the truth: spike timing (Γ, precision, recall, F1 at ±2 ms), RMSE, subthreshold RMSE, rate error; and spike AUC in 1 ms bins (from predicted_spike_probability where the file has it, else the predicted voltage), TPR at 0.25 % and 1 % FPR, RMSE and variance explained with voltages clipped at -55 mV.")
        {
            truth, prediction, column, json, model,
        };
        command.SetAction(result => context.Guard(() =>
        {
            string jsonPath = result.GetValue(json) ?? "";
            if (jsonPath.Length > 0)
            {
                AtomicFile.CheckWritable(jsonPath, "JSON file");
            }
            string truthPath = result.GetValue(truth)!, predictionPath = result.GetValue(prediction)!;
            if (AtomicFile.IsStandardStream(truthPath) && AtomicFile.IsStandardStream(predictionPath))
            {
                throw new ArgumentException("--truth - and --prediction -: expected standard input for at most one of them");
            }
            Inference.EnvelopeCheck? check = null;
            if (result.GetValue(model) is { } modelPath)
            {
                var envelope = LatentModelCard.Read(Path.ChangeExtension(modelPath, ".json")).Envelope;
                check = envelope is null ? null : new Inference.EnvelopeCheck(envelope);
                if (envelope is null)
                {
                    context.Error.WriteLine($"note: {modelPath}'s card records no training envelope (it was trained before cards had one); nothing to check");
                }
            }
            var (summary, traces) = Score(truthPath, predictionPath, result.GetValue(column)!, check);
            foreach (var line in check?.Warnings ?? [])
            {
                context.Error.WriteLine($"warning: {line}");
            }
            Print(context.MessagesFor(jsonPath), summary, traces);
            if (jsonPath.Length > 0)
            {
                AtomicFile.WriteText(jsonPath, JsonSerializer.Serialize(summary, CardJsonContext.Default.MetricSummary));
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// Matches the prediction's rows to the truth's by (run, neuron, time_ms) and scores every trace; where an
    /// <paramref name="envelope"/> check is given, it also sees the prediction file's currents (its warnings are the caller's to print).
    /// </summary>
    /// <exception cref="InputException">A trace or row is missing on either side, or the times differ.</exception>
    internal static (MetricSummary Summary, int Traces) Score(string truthPath, string predictionPath, string column, Inference.EnvelopeCheck? envelope = null)
    {
        var truth = new Dictionary<(long, long), (double[] Times, double[] Voltages, long? Line, long Row)>();
        using (var reader = TraceReader.Open(truthPath, [TraceColumns.Voltage]))
        {
            while (reader.ReadTrace())
            {
                var b = reader.Buffer;
                truth[(b.Run, b.Neuron)] = ([.. b.TimesMs], [.. b.Column(TraceColumns.Voltage)], b.FirstLine, b.FirstRow);
            }
        }
        var metrics = new List<TraceMetrics>();
        var field = new FieldMetrics();
        var seen = new HashSet<(long, long)>();
        using (var reader = TraceReader.Open(predictionPath, [column], optionalColumns: [.. envelope?.Columns ?? [], TraceColumns.PredictedSpikeProbability]))
        {
            while (reader.ReadTrace())
            {
                var b = reader.Buffer;
                envelope?.Add([b.Snapshot(b.NumericColumns)]);
                if (!truth.TryGetValue((b.Run, b.Neuron), out var expected))
                {
                    throw new InputException(predictionPath, b.FirstLine, b.FirstRow, TraceColumns.Run, null, Invariant(
                        $"only traces that are in the truth {truthPath}: trace (run {b.Run}, neuron {b.Neuron}) is not"));
                }
                seen.Add((b.Run, b.Neuron));
                if (b.Count != expected.Times.Length)
                {
                    throw new InputException(predictionPath, b.FirstLine, b.FirstRow, TraceColumns.TimeMs, null, Invariant(
                        $"{expected.Times.Length} rows for trace (run {b.Run}, neuron {b.Neuron}) as in the truth ({Where(expected.Line, expected.Row)}), found {b.Count}"));
                }
                for (int t = 0; t < b.Count; t++)
                {
                    double tolerance = TraceReader.TimeStepTolerance * Math.Max(1, Math.Abs(expected.Times[t]));
                    if (Math.Abs(b.TimesMs[t] - expected.Times[t]) > tolerance)
                    {
                        throw new InputException(predictionPath, b.FirstLine + t, b.FirstRow + t, TraceColumns.TimeMs, b.TimesMs[t].ToString("R", CultureInfo.InvariantCulture),
                            Invariant($"time {expected.Times[t]:R} ms of trace (run {b.Run}, neuron {b.Neuron}) as in the truth ({Where(expected.Line + t, expected.Row + t)})"));
                    }
                }
                double dt = b.Count >= 2 ? expected.Times[1] - expected.Times[0] : 1;
                double[] predicted = [.. b.Column(column)];
                metrics.Add(SpikeTrainMetrics.Compute(expected.Voltages, predicted, dt));
                field.Add(expected.Voltages, predicted, dt, b.NumericColumns.Contains(TraceColumns.PredictedSpikeProbability) ? [.. b.Column(TraceColumns.PredictedSpikeProbability)] : default);
            }
        }
        foreach (var (key, value) in truth)
        {
            if (!seen.Contains(key))
            {
                throw InputException.InColumn(predictionPath, TraceColumns.Run, null, Invariant(
                    $"every trace of the truth: trace (run {key.Item1}, neuron {key.Item2}) (truth {Where(value.Line, value.Row)}) has no predicted rows"));
            }
        }
        return (field.AddTo(MetricSummary.From(metrics)), metrics.Count);
    }

    /// <summary>Where a truth row is: its line in a CSV file, its data row in a Parquet file.</summary>
    private static string Where(long? line, long row) => line is { } l ? Invariant($"line {l}") : Invariant($"data row {row}");

    private static void Print(TextWriter output, MetricSummary m, int traces)
    {
        output.WriteLine(Invariant($"{traces} traces, {m.TrueSpikes} true spikes, {m.ModelSpikes} predicted spikes"));
        output.WriteLine("metric                   mean      median");
        output.WriteLine(Invariant($"gamma                    {m.Gamma,8:F4}  {m.GammaMedian,8:F4}"));
        output.WriteLine(Invariant($"spike_f1                 {m.SpikeF1,8:F4}"));
        output.WriteLine(Invariant($"spike_precision          {m.SpikePrecision,8:F4}"));
        output.WriteLine(Invariant($"spike_recall             {m.SpikeRecall,8:F4}"));
        output.WriteLine(Invariant($"rmse_mv                  {m.RmseMv,8:F4}  {m.RmseMvMedian,8:F4}"));
        output.WriteLine(Invariant($"rmse_subthreshold_mv     {m.RmseSubthresholdMv,8:F4}"));
        output.WriteLine(Invariant($"rate_error (pooled)      {m.RateError,8:F4}"));
        output.WriteLine(Invariant($"over the {m.FiringTraces} traces where the truth fires: gamma {m.GammaFiringTraces:F4}, spike_f1 {m.SpikeF1FiringTraces:F4}"));
        output.WriteLine(Invariant($"as the synaptic-input literature reports (pooled, 1 ms bins scored by the model's {m.SpikeScore}): spike AUC {m.SpikeAuc:F4}, TPR at 0.25 % / 1 % FPR {m.SpikeTprAtFpr025:F4} / {m.SpikeTprAtFpr1:F4}, RMSE clipped at -55 mV {m.RmseClippedMv:F4} mV, variance explained {m.VarianceExplainedClipped:F4}"));
        output.WriteLine(Invariant($"the same at whole milliseconds only, as 1 ms recordings are scored: RMSE clipped {m.RmseClipped1MsMv:F4} mV, variance explained {m.VarianceExplainedClipped1Ms:F4}"));
        if (m.ClippedBySinceSpike is { Count: > 0 } bands)
        {
            // Most of the clipped variance of a firing cell lies just after its spikes: where the clipped error comes from.
            output.WriteLine("clipped at -55 mV, by the time since the truth's last spike: share of time, share of clipped variance, RMSE clipped");
            foreach (var band in bands)
            {
                output.WriteLine(Invariant($"  {band.Label,-28} {100 * band.TimeShare,6:F1} %  {100 * band.VarianceShare,6:F1} %  {band.RmseClippedMv,8:F4} mV"));
            }
        }
    }
}

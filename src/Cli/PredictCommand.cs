using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NeuronSurrogate.Inference;

namespace NeuronSurrogate.Cli;

/// <summary><c>predict</c>: a shipped surrogate (ONNX + card) over the user's currents, with ONNX Runtime.</summary>
internal static class PredictCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model", "-m") { Description = "ONNX model; its card is the .json beside it (models/surrogate.onnx, models/surrogate_mixed.onnx, models/fasttree.onnx).", DefaultValueFactory = _ => "models/surrogate.onnx" };
        var input = new Option<string>("--input", "-i") { Description = "Traces file (CSV, or Parquet for a .parquet name) with run,neuron,time_ms,current, or - for standard input (CSV) (teacher-forced also needs voltage, and recovery for a state-space model); dt must equal the card's.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Traces file to write (CSV, or Parquet for a .parquet name): the input rows plus predicted_voltage and predicted_spike (- for standard output; a file is replaced only once complete).", Required = true };
        var mode = new Option<string>("--mode") { Description = "closed-loop (given only the currents, fed its own predictions) or teacher-forced (fed the true past state, one step ahead).", DefaultValueFactory = _ => "closed-loop" };
        mode.AcceptOnlyFromAmong("closed-loop", "teacher-forced");
        var batch = new Option<int>("--batch-size") { Description = "Traces advanced together per model call; memory is bounded by the batch, not the file (about 0.3 MB per 1000-step trace).", DefaultValueFactory = _ => 256 };
        var provider = new Option<string>("--provider") { Description = "cpu, or cuda (GPU build only; falls back to the CPU with a warning).", DefaultValueFactory = _ => "cpu" };
        provider.AcceptOnlyFromAmong("cpu", "cuda");
        var engine = new Option<string>("--engine") { Description = "fused (the fused CPU engine for latent models, which reads the graph's weights; ONNX Runtime for the other kinds and with --provider cuda) or onnx (ONNX Runtime for every kind).", DefaultValueFactory = _ => "fused" };
        engine.AcceptOnlyFromAmong("fused", "onnx");
        var events = new Option<string?>("--events") { Description = "Input-events file (run,neuron,synapse,time_ms; CSV, or Parquet for a .parquet name) for a synaptic model (e.g. models/pyramid_synaptic_latent.onnx): --input then gives the traces' grid (run,neuron,time_ms; other columns pass through), and the output gains predicted_spike_probability." };
        var command = new Command("predict", "Run a surrogate over your currents (or a synaptic model over input events) and write predicted voltages and spikes.")
        {
            model, input, output, mode, batch, provider, engine, events,
        };
        command.SetAction(result => context.Guard(() =>
        {
            int batchSize = result.GetValue(batch);
            if (batchSize <= 0)
            {
                throw new ArgumentException($"--batch-size {batchSize}: expected a positive number of traces");
            }
            var clock = Stopwatch.StartNew();
            string outputPath = result.GetValue(output)!;
            Data.AtomicFile.CheckWritable(outputPath);
            var predictionMode = result.GetValue(mode) == "teacher-forced" ? PredictionMode.TeacherForced : PredictionMode.ClosedLoop;
            using var surrogate = SurrogateModel.Open(result.GetValue(model)!,
                result.GetValue(provider) == "cuda" ? OnnxProvider.Cuda : OnnxProvider.Cpu, context.Error.WriteLine,
                result.GetValue(engine) == "onnx" ? SurrogateEngine.Onnx : SurrogateEngine.Fused);
            PredictionSummary summary = null!;
            string inputPath = result.GetValue(input)!;
            Data.TraceEventsLookup? eventsByTrace = null;
            if (result.GetValue(events) is { } eventsPath)
            {
                int? synapses = surrogate is LatentSurrogate { Spec.IsSynaptic: true } latent ? latent.Spec.Synapses : null;
                eventsByTrace = new Data.TraceEventsLookup(eventsPath, Data.EventFile.Read(eventsPath, synapses));
            }
            context.WithProgress($"predicting {inputPath}", 1000, advance =>
            {
                int shown = 0;
                var lastLine = Stopwatch.StartNew();
                summary = TraceFilePredictor.Run(surrogate, inputPath, outputPath, predictionMode, batchSize, progress: (rows, fraction) =>
                {
                    for (int target = (int)(1000 * (fraction ?? 0)); shown < target; shown++)
                    {
                        advance();
                    }
                    // Without a terminal (a log, a pipe, a batch job), a plain line every 10 s says the run is alive.
                    if (!context.Interactive && lastLine.Elapsed.TotalSeconds >= 10)
                    {
                        lastLine.Restart();
                        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"predict: {rows:N0} rows written{(fraction is { } f ? $", {100 * f:F0} % of the input read" : "")}, {clock.Elapsed.TotalSeconds:F0} s"));
                    }
                }, events: eventsByTrace);
            });
            foreach (var line in summary.EnvelopeWarnings)
            {
                context.Error.WriteLine($"warning: {line}");
            }
            foreach (var d in summary.Divergences.Take(10))
            {
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"warning: trace (run {d.Run}, neuron {d.Neuron}) diverged at step {d.Step} (time_ms {d.TimeMs}); it was stopped there and its later predicted_voltage fields are empty"));
            }
            if (summary.Divergences.Count > 10)
            {
                context.Error.WriteLine($"warning: {summary.Divergences.Count - 10} more traces diverged");
            }
            context.MessagesFor(outputPath).WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {Data.AtomicFile.DisplayName(outputPath)}: {summary.Traces:N0} traces, {summary.Rows:N0} rows, {summary.Spikes:N0} predicted spikes, {(predictionMode == PredictionMode.ClosedLoop ? "closed loop" : "teacher-forced")} with {surrogate.ModelPath}; {clock.Elapsed.TotalSeconds:F2} s"));
            return ExitCodes.Success;
        }));
        return command;
    }
}

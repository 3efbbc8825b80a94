using System.Diagnostics;
using System.Text;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Stimuli;
using static System.FormattableString;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// The latent kind's engines side by side, in process, on the same currents in interleaved rounds: the fused CPU
/// engine, ONNX Runtime stepping the one-step graph from C#, and ONNX Runtime running the rollout graph; per simulated
/// ms per trace at 1, 30, 100 and 10 000 traces, with the achieved GFLOP/s beside ONNX Runtime's GEMM on the same dense
/// shapes at that batch. Writes results/benchmarks/engines.md.
/// </summary>
internal static class EnginesBenchmark
{
    public static void Run(string root, bool quick)
    {
        string[] models = ["pyramid_latent_k5", "pyramid_latent", "hh_latent", "rs_latent"];
        int[] counts = quick ? [1, 100] : [1, 30, 100, 10_000];
        const int Rounds = 3;
        var report = new StringBuilder();
        report.AppendLine("# The latent kind's engines, in process");
        report.AppendLine();
        report.AppendLine(Invariant($"`dotnet run -c Release --project src/Benchmarks -- engines` on {Environment.ProcessorCount} cores ({DateTime.UtcNow:yyyy-MM-dd}). Closed loop over the same mixed currents (scaled to each model's range), from the initial state; each entry the median of {Rounds} rounds after one untimed call, the engines of one batch size timed in turns. µs per simulated ms per trace (lower is better); GFLOP/s from the card's FLOP per step; GEMM: ONNX Runtime's MLAS on the network's dense shapes at that batch (best of 5), the rate the step's arithmetic could reach."));
        report.AppendLine();
        report.AppendLine("| model | traces × ms | fused engine | ONNX Runtime, one-step graph from C# | ONNX Runtime, rollout graph | fused vs one-step graph | fused GFLOP/s | GEMM GFLOP/s, same shapes |");
        report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var name in models)
        {
            string modelPath = Path.Combine(root, "models", name + ".onnx");
            string cardPath = Path.ChangeExtension(modelPath, ".json");
            var card = LatentModelCard.Read(cardPath);
            var spec = card.ToSpec(cardPath);
            double maxCurrent = name.StartsWith("hh", StringComparison.Ordinal) ? 0.3 : name.StartsWith("rs", StringComparison.Ordinal) ? 25 : 1;
            using var fused = (LatentSurrogate)SurrogateModel.Open(modelPath);
            using var onnx = (LatentSurrogate)SurrogateModel.Open(modelPath, engine: SurrogateEngine.Onnx);
            using var rollout = new OnnxRolloutModel(Path.Combine(root, "models", name + "_rollout.onnx"), otherInputs: spec.Inputs.Skip(1).Select(i => i.Column).ToArray());
            var widths = new[] { spec.NetworkInputs }.Concat(card.Hidden).Append(spec.NetworkOutputs).ToArray();
            var shapes = widths.Zip(widths.Skip(1)).Select(p => (In: p.First, Out: p.Second)).ToArray();
            foreach (int traces in counts)
            {
                int steps = traces >= 10_000 ? 1000 : 2000;
                double ms = steps * spec.TimeStepMs;
                var currents = Currents(traces, steps, maxCurrent);
                var columns = spec.Inputs.ToDictionary(i => i.Column, i => i.Column == TraceColumns.Current ? currents : new double[currents.Length]);
                var floats = spec.Inputs.Select(i => i.Column == TraceColumns.Current ? currents.Select(c => (float)c).ToArray() : new float[currents.Length]).ToArray();
                var predictions = new double[currents.Length];
                var times = new List<double>[3] { [], [], [] };
                // One untimed call each: the JIT's optimized code, the sessions' first-run allocations.
                fused.Predict(PredictionMode.ClosedLoop, columns, predictions, traces);
                onnx.Predict(PredictionMode.ClosedLoop, columns, predictions, traces);
                rollout.Run(floats, traces);
                for (int round = 0; round < Rounds; round++)
                {
                    times[0].Add(Seconds(() => fused.Predict(PredictionMode.ClosedLoop, columns, predictions, traces)));
                    times[1].Add(Seconds(() => onnx.Predict(PredictionMode.ClosedLoop, columns, predictions, traces)));
                    times[2].Add(Seconds(() => rollout.Run(floats, traces)));
                }
                double PerMs(List<double> t) => Measurement.Median([.. t]) * 1e6 / (traces * ms);
                double fusedPerMs = PerMs(times[0]), onnxPerMs = PerMs(times[1]), rolloutPerMs = PerMs(times[2]);
                double flopPerMs = card.FlopPerStep / spec.SurrogateTimeStepMs;
                double gemm = CostBenchmark.GemmGflops(shapes, traces);
                report.AppendLine(Invariant($"| `{name}` | {traces:N0} × {ms:F0} | {fusedPerMs:F3} µs | {onnxPerMs:F3} µs | {rolloutPerMs:F3} µs | {onnxPerMs / fusedPerMs:F1}× | {flopPerMs / fusedPerMs / 1e3:F1} | {gemm:F1} |"));
                Console.Error.WriteLine(Invariant($"{name} {traces} traces: fused {fusedPerMs:F3}, onnx {onnxPerMs:F3}, rollout {rolloutPerMs:F3} µs/ms; GEMM {gemm:F1} GFLOP/s"));
            }
        }
        string target = Path.Combine(root, "results", "benchmarks", "engines.md");
        AtomicFile.WriteText(target, report.ToString());
        Console.WriteLine($"wrote {target}");
    }

    private static double[] Currents(int traces, int steps, double maxCurrent)
    {
        int runs = (traces + 1) / 2;
        var batch = DatasetGenerator.Generate(new DatasetOptions
        {
            Runs = runs, NeuronsPerRun = 2, Steps = steps, Seed = 2027,
            Stimulus = new StimulusOptions { Kind = StimulusKind.Mixed, MixedMaxCurrent = 25 },
        });
        return batch.Currents.AsSpan(0, traces * steps).ToArray().Select(c => c * maxCurrent / 25).ToArray();
    }

    private static double Seconds(Action work)
    {
        var clock = Stopwatch.StartNew();
        work();
        return clock.Elapsed.TotalSeconds;
    }
}

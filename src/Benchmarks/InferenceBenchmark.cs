using System.Diagnostics;
using System.Globalization;
using System.Text;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;
using NeuronSurrogate.Torch;
using ScottPlot;
using static System.FormattableString;
using static TorchSharp.torch;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// The surrogate against the simulator it replaces, side by side in one process: one-step throughput at several batch
/// sizes (ONNX Runtime, TorchSharp, the FastTree ONNX graph, the simulator's fast path), achieved GFLOP/s next to this
/// machine's SGEMM for the same shapes, closed-loop rollouts of N traces × 1000 steps (simulator, C#-driven ONNX Runtime
/// loop, the rollout graph), and the peak extra memory of each. Writes <c>results/benchmarks.md</c> and a chart.
/// </summary>
internal static class InferenceBenchmark
{
    private static readonly int[] Batches = [1, 64, 1024, 16384, 65536];
    private static readonly int[] RolloutTraces = [1, 100, 10_000];

    public static void Run(string root, bool quick)
    {
        string models = Path.Combine(root, "models");
        var card = StateSpaceModelCard.Read(Path.Combine(models, "surrogate.json"));
        TorchRuntime.Initialize();
        using var ort = new OnnxStatePredictor(Path.Combine(models, "surrogate.onnx"));
        using var torchModel = StateSpaceOnnxImporter.Load(Path.Combine(models, "surrogate.onnx"), card);
        var torchPredictor = new TorchStatePredictor(torchModel);
        using var fastTree = new OnnxOneStepPredictor(Path.Combine(models, "fasttree.onnx"), "Features", "Score.output");
        using var rolloutGraph = new OnnxRolloutModel(Path.Combine(models, "surrogate_rollout.onnx"));
        var simulation = new IzhikevichSimulationOptions();
        var spec = card.ToSpec();
        long flopsPerRow = DenseShapes.FlopsPerRow(torchModel);

        var text = new StringBuilder();
        text.AppendLine("# Benchmarks: the surrogate beside the simulator");
        text.AppendLine();
        text.AppendLine(Invariant($"Machine: {SimulatorBenchmark.CpuModel()}, {Environment.ProcessorCount} cores, .NET {Environment.Version}. Measured {DateTime.UtcNow:yyyy-MM-dd} with `dotnet run -c Release --project src/Benchmarks -- inference`, everything in one process, every engine on all cores (ONNX Runtime intra-op threads = cores, no spinning; torch threads = cores; the simulator's fast path parallel over blocks of traces). Medians after a warm-up. Model: `models/surrogate.onnx`, the state-space MLP {string.Join(" × ", card.Hidden)} {card.Activation}: {flopsPerRow:N0} FLOP per row (the dense layers; activations not counted; the standardization is folded into the first and last layer)."));
        text.AppendLine();

        // One step: every engine timed in the same rounds, one after the other, so that a slow phase of this shared
        // machine falls on all of them.
        text.AppendLine("## One step: rows (neuron-steps) per second");
        text.AppendLine();
        text.AppendLine(Invariant($"Every engine is timed once per round, {Rounds} rounds in turn; a column is the median over rounds and a ratio is the median of the per-round ratios (its range over the rounds in brackets). The simulator column advances the same number of neurons by one step (fast path, time-major, 100 steps timed and divided). SGEMM is this machine's GEMM on the model's dense shapes at the same batch (every layer's [N, in] × [in, out], no bias, no activation), measured in the same rounds two ways: ONNX Runtime's MLAS through a graph of bare MatMuls, and libtorch's mm; the faster is the reference. Peak memory is the resident growth of each engine's first call at that batch."));
        text.AppendLine();
        text.AppendLine("| batch | simulator | ONNX Runtime | TorchSharp | FastTree (ONNX) | ORT / TorchSharp | ORT / simulator | ORT GFLOP/s | SGEMM GFLOP/s, same shapes (MLAS / libtorch) | ORT % of SGEMM | peak extra MB (sim / ORT / torch / FastTree) |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var chart = new Dictionary<string, List<(double Batch, double Rate)>> { ["simulator"] = [], ["ONNX Runtime"] = [], ["TorchSharp"] = [], ["FastTree (ONNX)"] = [] };
        foreach (int batch in quick ? [1, 1024] : Batches)
        {
            var random = new TraceRandom(7, batch, 0);
            var states = StateRows.Random(random, batch);
            var increments = StateRows.Increments(batch);
            var features = new float[batch * fastTree.FeatureCount];
            for (int i = 0; i < features.Length; i++)
            {
                features[i] = (float)(i % 16 < 8 ? random.NextDouble(-75, 0) : random.NextDouble(0, 20));
            }
            var scores = new float[batch];
            const int simulatorSteps = 100;
            var simCurrents = new double[batch * simulatorSteps];
            Array.Fill(simCurrents, 10.0);
            var simVoltages = new double[simCurrents.Length];
            using var dense = new DenseShapes(torchModel, batch);

            Action[] engines =
            [
                () => IzhikevichBatchSimulator.SimulateTimeMajor(simulation, simCurrents, simVoltages, batch),
                () => ort.Predict(states, increments, batch),
                () => torchPredictor.Predict(states, increments, batch),
                () => fastTree.Predict(features, scores, batch),
                dense.RunOnnxRuntime,
                dense.RunTorch,
            ];
            var peakMb = engines.Take(4).Select(ColdPeakMb).ToArray();
            var seconds = Interleaved(engines);
            const int Sim = 0, Ort = 1, TorchCall = 2, Tree = 3, MlasGemm = 4, TorchGemm = 5;
            double Median(int engine) => Measurement.Median(seconds[engine]);
            double PairedRatio(int faster, int slower, out double low, out double high)
            {
                var ratios = seconds[slower].Zip(seconds[faster], (a, b) => a / b).ToArray();
                low = ratios.Min();
                high = ratios.Max();
                return Measurement.Median(ratios);
            }
            double sim = (double)batch * simulatorSteps / Median(Sim);
            double ortRate = batch / Median(Ort), torchRate = batch / Median(TorchCall), treeRate = batch / Median(Tree);
            double overTorch = PairedRatio(Ort, TorchCall, out double overTorchLow, out double overTorchHigh);
            double ortGflops = ortRate * flopsPerRow / 1e9;
            double mlasGflops = batch * flopsPerRow / Median(MlasGemm) / 1e9, torchGflops = batch * flopsPerRow / Median(TorchGemm) / 1e9;
            // ORT's share of the faster SGEMM, round by round.
            var shares = Enumerable.Range(0, Rounds).Select(r => Math.Min(seconds[MlasGemm][r], seconds[TorchGemm][r]) / seconds[Ort][r]).ToArray();
            text.AppendLine(Invariant($"| {batch:N0} | {sim:E2} | {ortRate:E2} | {torchRate:E2} | {treeRate:E2} | {overTorch:F2}× ({overTorchLow:F2}–{overTorchHigh:F2}) | {ortRate / sim:E1} | {ortGflops:F1} | {mlasGflops:F1} / {torchGflops:F1} | {100 * Measurement.Median(shares):F0} % ({100 * shares.Min():F0}–{100 * shares.Max():F0}) | {peakMb[Sim]:F0} / {peakMb[Ort]:F0} / {peakMb[TorchCall]:F0} / {peakMb[Tree]:F0} |"));
            Console.WriteLine(Invariant($"batch {batch}: simulator {sim:E2}, ORT {ortRate:E2}, torch {torchRate:E2}, FastTree {treeRate:E2} rows/s; ORT/torch {overTorch:F2} ({overTorchLow:F2}–{overTorchHigh:F2}); ORT {ortGflops:F1} GFLOP/s, SGEMM MLAS {mlasGflops:F1}, libtorch {torchGflops:F1} GFLOP/s"));
            chart["simulator"].Add((batch, sim));
            chart["ONNX Runtime"].Add((batch, ortRate));
            chart["TorchSharp"].Add((batch, torchRate));
            chart["FastTree (ONNX)"].Add((batch, treeRate));
        }
        text.AppendLine();

        // Closed-loop rollouts.
        text.AppendLine("## Closed-loop rollouts: N traces × 1000 steps of 0.1 ms, the same currents");
        text.AppendLine();
        text.AppendLine("The C#-driven loop calls the one-step graph once per step for all N traces (`StateSpaceRollout`, the path `predict` uses); the rollout graph runs the whole loop inside ONNX Runtime (`Scan`). The loop's overhead is the time it spends outside the model call, clocked around every call inside the same runs, per step: on time-major buffers `[step, trace]` the caller keeps (`ClosedLoopTimeMajor`: building the model's input rows, applying the increments and the reset rule, recording), and through the trace-major API (`ClosedLoop`, the CSV's layout), which adds the conversion of the currents into that layout before the loop and of the voltages back after it (memory-bound: at 10 000 × 1000, 80 MB of doubles read and 80 MB written, plus the time-major copies). For scale: the trace-major loop with a model that does nothing, and one ONNX Runtime call at batch N measured alone.");
        text.AppendLine();
        text.AppendLine("| N | simulator (fast path) | C#-driven ORT loop | rollout graph (ORT) | loop / simulator | graph / simulator | loop overhead per step: time-major buffers | the same through the trace-major API | for scale: no-op model (trace-major); one ORT call at batch N | memory, MB: peak extra resident, managed allocated per run (sim / loop / graph) |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int traces in quick ? [1, 100] : RolloutTraces)
        {
            const int steps = 1000;
            var currents = new double[traces * steps];
            for (int trace = 0; trace < traces; trace++)
            {
                StimulusGenerator.Fill(new StimulusOptions(), 99, trace / 5, trace % 5, 0.1, currents.AsSpan(trace * steps, steps));
            }
            var currentsFloat = currents.Select(c => (float)c).ToArray();
            var voltages = new double[currents.Length];
            var (simSeconds, simMb) = Timed(() => IzhikevichBatchSimulator.SimulateTraceMajor(simulation, currents, voltages, traces));
            var timedOrt = new TimedModel(ort);
            var (loopSeconds, loopMb) = Timed(() => StateSpaceRollout.ClosedLoop(timedOrt, currents, voltages, traces, spec));
            // Everything the C# loop spends outside the model call, per step: both clocks read the same runs (median of 5
            // after a warm-up).
            double outsideModelUs = timedOrt.OutsidePerStepUs(steps, () => StateSpaceRollout.ClosedLoop(timedOrt, currents, voltages, traces, spec));
            // The same loop on time-major buffers the caller keeps (no layout conversion, no allocation of the big buffers).
            var currentsByStep = new float[currents.Length];
            for (int trace = 0; trace < traces; trace++)
            {
                for (int t = 0; t < steps; t++)
                {
                    currentsByStep[t * traces + trace] = currentsFloat[trace * steps + t];
                }
            }
            var recordedByStep = new double[currents.Length];
            double outsideTimeMajorUs = timedOrt.OutsidePerStepUs(steps, () => StateSpaceRollout.ClosedLoopTimeMajor(timedOrt, currentsByStep, recordedByStep, traces, spec));
            var (graphSeconds, graphMb) = Timed(() => rolloutGraph.Run(currentsFloat, traces));
            // The C# loop's own work per step, with a model that does nothing: building the states, applying the rule.
            var (bookkeeping, _) = Timed(() => StateSpaceRollout.ClosedLoop(new NoOpModel(), currents, voltages, traces, spec));
            // The model's own time per step: one ONNX Runtime call at batch N on states drawn from a real rollout.
            var states = StateRows.Random(new TraceRandom(3, traces, 1), traces, r => currentsFloat[r * steps]);
            var increments = StateRows.Increments(traces);
            double call = Measurement.Median(Interleaved([() => ort.Predict(states, increments, traces)])[0]);
            text.AppendLine(Invariant($"| {traces:N0} | {simSeconds * 1e3:F2} ms | {loopSeconds * 1e3:F1} ms | {graphSeconds * 1e3:F1} ms | {loopSeconds / simSeconds:F0}× slower | {graphSeconds / simSeconds:F0}× slower | {outsideTimeMajorUs:F1} µs | {outsideModelUs:F1} µs | {bookkeeping / steps * 1e6:F1} µs; {call * 1e6:F0} µs | {simMb} / {loopMb} / {graphMb} |"));
            Console.WriteLine(Invariant($"rollout {traces}: simulator {simSeconds * 1e3:F2} ms, loop {loopSeconds * 1e3:F1} ms, graph {graphSeconds * 1e3:F1} ms, outside the model {outsideModelUs:F1} µs/step (time-major API {outsideTimeMajorUs:F1}), no-op loop {bookkeeping / steps * 1e6:F1} µs/step, call {call * 1e6:F0} µs"));
        }
        text.AppendLine();
        text.AppendLine("![one-step throughput](benchmarks.png)");
        string chartPath = Path.Combine(root, "results", "benchmarks.png");
        Chart(chartPath, chart);
        string path = Path.Combine(root, "results", "benchmarks.md");
        AtomicFile.WriteText(path, text.ToString());
        Console.WriteLine($"wrote {path} and {chartPath}");
    }

    /// <summary>Rounds of <see cref="Interleaved"/>.</summary>
    private const int Rounds = 7;

    /// <summary>
    /// Seconds per call of each action, <see cref="Rounds"/> rounds in which every action is timed once in turn; each
    /// timing repeats its action enough times to last at least 25 ms (counted after a warm-up of each).
    /// </summary>
    private static double[][] Interleaved(Action[] calls)
    {
        var counts = new int[calls.Length];
        for (int e = 0; e < calls.Length; e++)
        {
            var warmup = Stopwatch.StartNew();
            while (warmup.Elapsed.TotalSeconds < 0.2)
            {
                calls[e]();
            }
            counts[e] = 1;
            var clock = Stopwatch.StartNew();
            while (true)
            {
                clock.Restart();
                for (int i = 0; i < counts[e]; i++)
                {
                    calls[e]();
                }
                if (clock.Elapsed.TotalSeconds >= 0.025)
                {
                    break;
                }
                counts[e] *= 2;
            }
        }
        var seconds = calls.Select(_ => new double[Rounds]).ToArray();
        for (int round = 0; round < Rounds; round++)
        {
            for (int e = 0; e < calls.Length; e++)
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < counts[e]; i++)
                {
                    calls[e]();
                }
                seconds[e][round] = clock.Elapsed.TotalSeconds / counts[e];
            }
        }
        return seconds;
    }

    /// <summary>The resident growth of one (the first) call, measured on its own so that no probe runs while a clock does.</summary>
    private static double ColdPeakMb(Action call)
    {
        using var probe = MemoryProbe.Start();
        call();
        return probe.PeakExtraMb;
    }

    /// <summary>
    /// Median of 3 runs after a warm-up; the peak extra resident memory of the first (cold) run, measured on its own,
    /// and the managed MB allocated per timed run.
    /// </summary>
    private static (double Seconds, string Memory) Timed(Action work)
    {
        double peakMb;
        using (var probe = MemoryProbe.Start())
        {
            work();
            peakMb = probe.PeakExtraMb;
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var (median, _, runs) = Measurement.TimeCounted(work, 3);
        double allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6 / runs;
        return (median, Invariant($"{peakMb:F0} RSS, {allocatedMb:F0} alloc"));
    }

    /// <summary>Clocks the time spent inside a model's calls, to tell it from the rest of a rollout.</summary>
    private sealed class TimedModel(IStatePredictor inner) : IStatePredictor
    {
        private long _inside;

        public void Predict(ReadOnlySpan<float> states, Span<float> increments, int rows)
        {
            long start = Stopwatch.GetTimestamp();
            inner.Predict(states, increments, rows);
            _inside += Stopwatch.GetTimestamp() - start;
        }

        /// <summary>The median over 5 rollouts (after one to warm up) of the time spent outside the model's calls, per step, in µs.</summary>
        public double OutsidePerStepUs(int steps, Action rollout)
        {
            rollout();
            var outside = new double[5];
            for (int run = 0; run < outside.Length; run++)
            {
                _inside = 0;
                long started = Stopwatch.GetTimestamp();
                rollout();
                outside[run] = (Stopwatch.GetTimestamp() - started - _inside) / (double)Stopwatch.Frequency / steps * 1e6;
            }
            return Measurement.Median(outside);
        }
    }

    /// <summary>A model that costs nothing: isolates the rollout loop's own work.</summary>
    private sealed class NoOpModel : IStatePredictor
    {
        public void Predict(ReadOnlySpan<float> states, Span<float> increments, int rows) => increments[..(StateSpaceSpec.OutputWidth * rows)].Clear();
    }

    private static void Chart(string path, Dictionary<string, List<(double Batch, double Rate)>> series)
    {
        var plot = new Plot();
        foreach (var (name, points) in series)
        {
            var line = plot.Add.Scatter(points.Select(p => Math.Log10(p.Batch)).ToArray(), points.Select(p => Math.Log10(p.Rate)).ToArray());
            line.LegendText = name;
            line.LineWidth = 2;
        }
        plot.Title("One step: neuron-steps per second (log10) against batch size (log10)");
        plot.XLabel("log10 batch (neurons per call)");
        plot.YLabel("log10 neuron-steps per second");
        plot.ShowLegend(Alignment.LowerRight);
        var bytes = plot.GetImageBytes(1000, 450, ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(bytes));
    }
}

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
using static TorchSharp.torch;
using static System.FormattableString;

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
        var rule = card.ToRule();
        long flopsPerRow = 2L * torchModel.Export().Sum(l => l.Shape[0] * l.Shape[1]);

        var text = new StringBuilder();
        text.AppendLine("# Benchmarks: the surrogate beside the simulator");
        text.AppendLine();
        text.AppendLine(Invariant($"Machine: {SimulatorBenchmark.CpuModel()}, {Environment.ProcessorCount} cores, .NET {Environment.Version}. Measured {DateTime.UtcNow:yyyy-MM-dd} with `dotnet run -c Release --project src/Benchmarks -- inference`, everything in one process, every engine on all cores (ONNX Runtime intra-op threads = cores, no spinning; torch threads = cores; the simulator's fast path parallel over blocks of traces). Medians after a warm-up. Model: `models/surrogate.onnx`, the state-space MLP {string.Join(" × ", card.Hidden)} {card.Activation}: {flopsPerRow:N0} FLOP per row (the dense layers; activations and scaling not counted)."));
        text.AppendLine();

        // One step.
        text.AppendLine("## One step: rows (neuron-steps) per second");
        text.AppendLine();
        text.AppendLine("The simulator column advances the same number of neurons by one step (fast path, time-major, 100 steps timed and divided). Ratios are to the simulator.");
        text.AppendLine();
        text.AppendLine("| batch | simulator | ONNX Runtime | TorchSharp | FastTree (ONNX) | ORT / TorchSharp | ORT / simulator | ORT GFLOP/s | SGEMM GFLOP/s, same shapes | ORT % of SGEMM | peak extra MB (sim / ORT / torch / FastTree) |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var chart = new Dictionary<string, List<(double Batch, double Rate)>> { ["simulator"] = [], ["ONNX Runtime"] = [], ["TorchSharp"] = [], ["FastTree (ONNX)"] = [] };
        var ortCall = new Dictionary<int, double>();
        foreach (int batch in quick ? [1, 1024] : Batches)
        {
            var random = new TraceRandom(7, batch, 0);
            var states = new float[batch * 3];
            for (int r = 0; r < batch; r++)
            {
                states[3 * r] = (float)random.NextDouble(-80, 25);
                states[3 * r + 1] = (float)random.NextDouble(-20, 5);
                states[3 * r + 2] = (float)random.NextDouble(0, 25);
            }
            var increments = new float[batch * 2];
            var features = new float[batch * fastTree.FeatureCount];
            for (int i = 0; i < features.Length; i++)
            {
                features[i] = (float)(i % 16 < 8 ? random.NextDouble(-75, 0) : random.NextDouble(0, 20));
            }
            var scores = new float[batch];

            var (sim, simMb) = SimulatorRate(simulation, batch);
            var (ortSeconds, ortMb) = PerCall(() => ort.Predict(states, increments, batch));
            var (torchSeconds, torchMb) = PerCall(() => torchPredictor.Predict(states, increments, batch));
            var (treeSeconds, treeMb) = PerCall(() => fastTree.Predict(features, scores, batch));
            double sgemmSeconds = Sgemm(torchModel, batch);
            ortCall[batch] = ortSeconds;
            double ortRate = batch / ortSeconds, torchRate = batch / torchSeconds, treeRate = batch / treeSeconds;
            double ortGflops = ortRate * flopsPerRow / 1e9, sgemmGflops = batch * flopsPerRow / sgemmSeconds / 1e9;
            text.AppendLine(Invariant($"| {batch:N0} | {sim:E2} | {ortRate:E2} | {torchRate:E2} | {treeRate:E2} | {ortRate / torchRate:F2}× | {ortRate / sim:E1} | {ortGflops:F1} | {sgemmGflops:F1} | {100 * ortGflops / sgemmGflops:F0} % | {simMb:F0} / {ortMb:F0} / {torchMb:F0} / {treeMb:F0} |"));
            Console.WriteLine(Invariant($"batch {batch}: simulator {sim:E2}, ORT {ortRate:E2}, torch {torchRate:E2}, FastTree {treeRate:E2} rows/s; ORT {ortGflops:F1} GFLOP/s, SGEMM {sgemmGflops:F1} GFLOP/s"));
            chart["simulator"].Add((batch, sim));
            chart["ONNX Runtime"].Add((batch, ortRate));
            chart["TorchSharp"].Add((batch, torchRate));
            chart["FastTree (ONNX)"].Add((batch, treeRate));
        }
        text.AppendLine();

        // Closed-loop rollouts.
        text.AppendLine("## Closed-loop rollouts: N traces × 1000 steps of 0.1 ms, the same currents");
        text.AppendLine();
        text.AppendLine("The C#-driven loop calls the one-step graph once per step for all N traces (`StateSpaceRollout`, the path `predict` uses); the rollout graph runs the whole loop inside ONNX Runtime (`Scan`). The loop's overhead per step is the time it spends outside the model call, clocked around every call inside the same runs: through the trace-major API (`ClosedLoop`, which transposes the currents in and the voltages out) and through the time-major API (`ClosedLoopTimeMajor`, buffers `[step, trace]` kept by the caller); for scale, the same loop with a model that does nothing, and one ONNX Runtime call at batch N measured alone.");
        text.AppendLine();
        text.AppendLine("| N | simulator (fast path) | C#-driven ORT loop | rollout graph (ORT) | loop / simulator | graph / simulator | loop time per step outside the model call | memory, MB: peak extra resident, managed allocated per run (sim / loop / graph) |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
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
            var (loopSeconds, loopMb) = Timed(() => StateSpaceRollout.ClosedLoop(timedOrt, currents, voltages, traces, rule, card.State.InitialVoltageMv, card.State.InitialRecovery));
            // Everything the C# loop spends outside the model call: both clocks read the same three runs.
            timedOrt.Reset();
            for (int run = 0; run < 3; run++)
            {
                timedOrt.Measure(() => StateSpaceRollout.ClosedLoop(timedOrt, currents, voltages, traces, rule, card.State.InitialVoltageMv, card.State.InitialRecovery));
            }
            double outsideModelUs = (timedOrt.TotalSeconds - timedOrt.ModelSeconds) / timedOrt.Runs / steps * 1e6;
            // The same loop on time-major buffers the caller keeps (no transposes, no allocation of the big buffers).
            var currentsByStep = new float[currents.Length];
            for (int trace = 0; trace < traces; trace++)
            {
                for (int t = 0; t < steps; t++)
                {
                    currentsByStep[t * traces + trace] = currentsFloat[trace * steps + t];
                }
            }
            var recordedByStep = new double[currents.Length];
            timedOrt.Reset();
            for (int run = 0; run < 4; run++)
            {
                if (run == 1)
                {
                    timedOrt.Reset(); // the first run warms up
                }
                timedOrt.Measure(() => StateSpaceRollout.ClosedLoopTimeMajor(timedOrt, currentsByStep, recordedByStep, traces, rule, card.State.InitialVoltageMv, card.State.InitialRecovery));
            }
            double outsideTimeMajorUs = (timedOrt.TotalSeconds - timedOrt.ModelSeconds) / timedOrt.Runs / steps * 1e6;
            var (graphSeconds, graphMb) = Timed(() => rolloutGraph.Run(currentsFloat, traces));
            // The C# loop's own work per step, with a model that does nothing: building the states, applying the rule.
            var (bookkeeping, _) = Timed(() => StateSpaceRollout.ClosedLoop(new NoOpModel(), currents, voltages, traces, rule, card.State.InitialVoltageMv, card.State.InitialRecovery));
            // The model's own time per step: one ONNX Runtime call at batch N on states drawn from a real rollout.
            var states = new float[traces * 3];
            var increments = new float[traces * 2];
            var random = new TraceRandom(3, traces, 1);
            for (int r = 0; r < traces; r++)
            {
                states[3 * r] = (float)random.NextDouble(-80, 25);
                states[3 * r + 1] = (float)random.NextDouble(-20, 5);
                states[3 * r + 2] = currentsFloat[r * steps];
            }
            double call = PerCall(() => ort.Predict(states, increments, traces)).Seconds;
            text.AppendLine(Invariant($"| {traces:N0} | {simSeconds * 1e3:F2} ms | {loopSeconds * 1e3:F1} ms | {graphSeconds * 1e3:F1} ms | {loopSeconds / simSeconds:F0}× slower | {graphSeconds / simSeconds:F0}× slower | {outsideModelUs:F1} µs; time-major API {outsideTimeMajorUs:F1} µs (no-op model, trace-major: {bookkeeping / steps * 1e6:F1} µs; one ORT call alone: {call * 1e6:F0} µs) | {simMb} / {loopMb} / {graphMb} |"));
            Console.WriteLine(Invariant($"rollout {traces}: simulator {simSeconds * 1e3:F2} ms, loop {loopSeconds * 1e3:F1} ms, graph {graphSeconds * 1e3:F1} ms, outside the model {outsideModelUs:F1} µs/step (time-major API {outsideTimeMajorUs:F1}), no-op loop {bookkeeping / steps * 1e6:F1} µs/step, call {call * 1e6:F0} µs"));
        }
        text.AppendLine();
        text.AppendLine("![one-step throughput](benchmarks.png)");
        string chartPath = Path.Combine(root, "results", "benchmarks.png");
        Chart(chartPath, chart);
        string path = Path.Combine(root, "results", "benchmarks.md");
        AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(text.ToString())));
        Console.WriteLine($"wrote {path} and {chartPath}");
    }

    /// <summary>Neuron-steps per second of the fast path over <paramref name="traces"/> traces (100 steps, time-major).</summary>
    private static (double Rate, double PeakMb) SimulatorRate(IzhikevichSimulationOptions simulation, int traces)
    {
        const int steps = 100;
        var currents = new double[traces * steps];
        Array.Fill(currents, 10.0);
        var voltages = new double[currents.Length];
        var (seconds, mb) = PerCall(() => IzhikevichBatchSimulator.SimulateTimeMajor(simulation, currents, voltages, traces));
        return ((double)traces * steps / seconds, mb);
    }

    /// <summary>Seconds of the three dense products of the model at <paramref name="batch"/> rows, with torch's SGEMM.</summary>
    private static double Sgemm(StateSpaceMlp model, int batch)
    {
        var weights = model.Export().Select(l => tensor(l.Weight, l.Shape).t().contiguous()).ToArray();
        var inputs = weights.Select(w => randn(batch, w.shape[0])).ToArray();
        try
        {
            return PerCall(() =>
            {
                using var scope = NewDisposeScope();
                for (int i = 0; i < weights.Length; i++)
                {
                    mm(inputs[i], weights[i]);
                }
            }).Seconds;
        }
        finally
        {
            foreach (var t in weights.Concat(inputs))
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Median seconds per call, with calls batched so that each timing lasts at least 20 ms; and the peak extra memory.</summary>
    private static (double Seconds, double PeakMb) PerCall(Action call)
    {
        using var probe = MemoryProbe.Start();
        call();
        int count = 1;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            clock.Restart();
            for (int i = 0; i < count; i++)
            {
                call();
            }
            if (clock.Elapsed.TotalSeconds >= 0.02)
            {
                break;
            }
            count *= 2;
        }
        var (median, _) = Measurement.Time(() =>
        {
            for (int i = 0; i < count; i++)
            {
                call();
            }
        }, 5);
        return (median / count, probe.PeakExtraMb);
    }

    /// <summary>Median of 3 runs after a warm-up; the peak extra resident memory and the managed MB allocated per run.</summary>
    private static (double Seconds, string Memory) Timed(Action work)
    {
        using var probe = MemoryProbe.Start();
        var (median, _, runs) = Measurement.TimeCounted(work, 3);
        return (median, Invariant($"{probe.PeakExtraMb:F0} RSS, {probe.AllocatedMb / runs:F0} alloc"));
    }

    /// <summary>Clocks the time spent inside a model's calls and the time of whole rollouts around it.</summary>
    private sealed class TimedModel(IStatePredictor inner) : IStatePredictor
    {
        private long _inside, _total;

        public int Runs { get; private set; }
        public double ModelSeconds => _inside / (double)Stopwatch.Frequency;
        public double TotalSeconds => _total / (double)Stopwatch.Frequency;

        public void Predict(ReadOnlySpan<float> states, Span<float> increments, int rows)
        {
            long start = Stopwatch.GetTimestamp();
            inner.Predict(states, increments, rows);
            _inside += Stopwatch.GetTimestamp() - start;
        }

        public void Reset() => (_inside, _total, Runs) = (0, 0, 0);

        /// <summary>Times one whole rollout.</summary>
        public void Measure(Action rollout)
        {
            long started = Stopwatch.GetTimestamp();
            rollout();
            _total += Stopwatch.GetTimestamp() - started;
            Runs++;
        }
    }

    /// <summary>A model that costs nothing: isolates the rollout loop's own work.</summary>
    private sealed class NoOpModel : IStatePredictor
    {
        public void Predict(ReadOnlySpan<float> states, Span<float> increments, int rows) => increments[..(2 * rows)].Clear();
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

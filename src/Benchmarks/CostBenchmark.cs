using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;
using ScottPlot;
using static System.FormattableString;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// Cost at matched fidelity (DESIGN section 10): for each neuron, the simulator at the step its accuracy needs (a
/// convergence study picks it), NEURON where it is the simulator, and every shipped surrogate (the C#-driven ONNX Runtime
/// loop and the rollout graph), all on the same held-out currents: wall time per simulated ms per trace at 1, 100 and
/// 10 000 traces in interleaved rounds, FLOP per simulated ms and achieved GFLOP/s beside ONNX Runtime's GEMM on the same
/// shapes, peak memory, and closed-loop Γ / F1 / subthreshold RMSE against the reference; then NEURON's cost against
/// segment count beside the surrogate's (the crossover). Writes <c>results/benchmarks/cost.md</c> and <c>cost.png</c>.
/// </summary>
internal static partial class CostBenchmark
{
    private const int Steps = 1000;
    private const double DtMs = 0.1, TraceMs = Steps * DtMs;

    /// <summary>The held-out currents' seed: no training or validation set was drawn with it.</summary>
    private const long HeldOutSeed = 9090;

    /// <summary>FLOP of one Izhikevich Euler step (DESIGN section 8).</summary>
    private const double IzhikevichFlopPerStep = 15;

    /// <summary>
    /// FLOP of one managed HH solver step, counted in <c>HodgkinHuxleyBatchSimulator.NeuronStep</c>: conductances 8, currents 8,
    /// the implicit voltage update 6, the table index 8, six interpolations 18, three gate updates 21 (an exp counted as one).
    /// </summary>
    private const double HodgkinHuxleyFlopPerStep = 69;

    /// <summary>FLOP per segment and solver step in NEURON: the hh channel as above (69) and the cable's tridiagonal solve (about 11).</summary>
    private const double NeuronFlopPerSegmentStep = 80;

    /// <summary>The shipped surrogates of each neuron (models/NAME.onnx), where present.</summary>
    private static readonly string[] IzhikevichSurrogates = ["surrogate", "latent", "rs_latent"], HodgkinHuxleySurrogates = ["hh_latent"], PyramidSurrogates = ["pyramid_latent", "pyramid_latent_k5"];

    /// <summary>Dendritic segment counts of the crossover sweep.</summary>
    private static readonly int[] Segments = [1, 3, 10, 30, 100, 300, 1000], QuickSegments = [1, 100];

    private sealed record Point(string Neuron, string Engine, double MicrosecondsPerMs, double Gamma, string Kind);

    /// <summary>The whole benchmark into cost.md; with <paramref name="convergenceOnly"/>, only each simulator's convergence study, into convergence.md.</summary>
    public static void Run(string root, bool quick, bool convergenceOnly = false)
    {
        int cores = Environment.ProcessorCount;
        var report = new StringBuilder();
        report.AppendLine(convergenceOnly ? "# The step each simulator's accuracy needs, over 100 ms and over 1 s" : "# Cost at matched fidelity");
        report.AppendLine();
        report.AppendLine(Invariant($"Machine: {SimulatorBenchmark.CpuModel()}, {cores} cores, .NET {Environment.Version}. Measured {DateTime.UtcNow:yyyy-MM-dd} with `dotnet run -c Release --project src/Benchmarks -- {(convergenceOnly ? "convergence" : "cost")}{(quick ? " --quick" : "")}`."));
        if (convergenceOnly)
        {
            report.AppendLine("The convergence studies of the cost benchmark ([cost.md](cost.md)), which runs each simulator at the step chosen here. Over 100 ms, spike times barely drift; over a second of tonic firing or slow input, a small error in each interspike interval adds up, so the step that holds over a second is finer.");
            report.AppendLine();
        }
        else
        {
            report.AppendLine("Two companions: [engines.md](engines.md) (`-- engines`) times the latent models' engines in process at 1, 30, 100 and 10 000 traces with GFLOP/s beside ONNX Runtime's GEMM on the same shapes, and [whole_process.md](whole_process.md) (`-- whole`) what a user pays: the built tool as a process on CSV and Parquet files (start, reading, writing included) against NEURON at dt 0.025 and 0.1 ms and at 0.0125 ms, the step whose spike times hold over 1 s ([convergence.md](convergence.md)).");
            report.AppendLine(Invariant($"Every engine runs the same held-out currents (mixed stimuli in the neuron's range, seed {HeldOutSeed}, used by no training or validation set; traces of {TraceMs} ms at {DtMs} ms) on all cores: the simulators parallel over traces, NEURON one process per core, ONNX Runtime with one intra-op thread per core. Wall time is end to end (NEURON's includes starting its processes and building the cell, the cost of one `simulate` call). The engines of one trace count are timed in turn, round after round; a cost is the median over rounds, a ratio the median of the per-round ratios."));
            report.AppendLine();
        }
        var points = new List<Point>();
        var summary = new List<string>();
        NeuronCellModel? pyramid = null, neuronHh = null;
        string? neuronMissing = null;
        try
        {
            neuronHh = NeuronCellModel.Load(Path.Combine(root, "models", "cells", "hh.py"));
            pyramid = NeuronCellModel.Load(Path.Combine(root, "models", "cells", "pyramid.py"));
        }
        catch (SimulatorException e)
        {
            neuronMissing = e.Message;
        }
        int[] counts = quick ? [1, 100] : [1, 100, 10_000];
        string models = Path.Combine(root, "models");

        var izhikevich = new IzhikevichNeuron(new IzhikevichSimulationOptions());
        Section(report, points, summary, "Izhikevich RS", izhikevich, quick ? 40 : 200, counts, cores,
            dt => new IzhikevichNeuron(new IzhikevichSimulationOptions { TimeStepMs = dt }), [0.1, 0.05, 0.025, 0.01], referenceDt: 0.1,
            chosenDt =>
            {
                var engines = new List<CostEngine> { Simulator(Invariant($"Izhikevich fast path, Euler, dt {DtMs} ms (the data's definition)"), izhikevich, IzhikevichFlopPerStep / DtMs) };
                if (chosenDt < DtMs)
                {
                    var fine = new IzhikevichNeuron(new IzhikevichSimulationOptions { TimeStepMs = chosenDt });
                    engines.Add(new CostEngine(Invariant($"Izhikevich fast path, Euler, dt {chosenDt} ms (its accuracy needs)"), "simulator", IzhikevichFlopPerStep / chosenDt,
                        (inputs, traces) => Finer(fine, inputs[0], traces, (int)Math.Round(DtMs / chosenDt)), false, []));
                }
                return engines;
            },
            [.. IzhikevichSurrogates.Select(n => Path.Combine(models, n + ".onnx")).Where(File.Exists)], quick, convergenceOnly);

        var hh = new HodgkinHuxleyNeuron(new HodgkinHuxleySimulationOptions());
        Section(report, points, summary, "Hodgkin–Huxley point neuron", hh, quick ? 40 : 200, counts, cores,
            dt => new HodgkinHuxleyNeuron(new HodgkinHuxleySimulationOptions { SolverStepMs = dt }), [0.1, 0.05, 0.025, 0.0125, 0.00625, 0.003125], referenceDt: 0.025,
            chosenDt =>
            {
                var engines = new List<CostEngine>
                {
                    Simulator(Invariant($"managed HH, NEURON's scheme, dt {chosenDt} ms"), new HodgkinHuxleyNeuron(new HodgkinHuxleySimulationOptions { SolverStepMs = chosenDt }), HodgkinHuxleyFlopPerStep / chosenDt),
                };
                if (chosenDt != 0.025)
                {
                    engines.Add(Simulator("managed HH, NEURON's scheme, dt 0.025 ms (the data's)", hh, HodgkinHuxleyFlopPerStep / 0.025));
                }
                if (neuronHh is not null)
                {
                    var neuron = NeuronCellModel.Load(neuronHh.CellPath, new NeuronCellOptions { SolverStepMs = chosenDt });
                    engines.Add(Simulator(Invariant($"NEURON, models/cells/hh.py, dt {chosenDt} ms"), neuron, NeuronFlopPerSegmentStep / chosenDt, kind: "NEURON"));
                }
                return engines;
            },
            [.. HodgkinHuxleySurrogates.Select(n => Path.Combine(models, n + ".onnx")).Where(File.Exists)], quick, convergenceOnly);

        double pyramidSurrogateUs = double.NaN;
        if (pyramid is not null)
        {
            Section(report, points, summary, "Pyramidal cell (NEURON, 215 segments)", pyramid, quick ? 8 : 100, counts, cores,
                dt => NeuronCellModel.Load(pyramid.CellPath, new NeuronCellOptions { SolverStepMs = dt }), [0.1, 0.05, 0.025, 0.0125], referenceDt: 0.025,
                chosenDt =>
                {
                    var engines = new List<CostEngine>
                    {
                        Simulator(Invariant($"NEURON, models/cells/pyramid.py, dt {chosenDt} ms"), NeuronCellModel.Load(pyramid.CellPath, new NeuronCellOptions { SolverStepMs = chosenDt }),
                            NeuronFlopPerSegmentStep * pyramid.Info.Segments / chosenDt, linear: true, kind: "NEURON"),
                    };
                    if (chosenDt != 0.025)
                    {
                        engines.Add(Simulator("NEURON, models/cells/pyramid.py, dt 0.025 ms (the data's)", pyramid, NeuronFlopPerSegmentStep * pyramid.Info.Segments / 0.025, linear: true, kind: "NEURON"));
                    }
                    return engines;
                },
                [.. PyramidSurrogates.Select(n => Path.Combine(models, n + ".onnx")).Where(File.Exists)], quick, convergenceOnly);
            var best = points.Where(p => p.Neuron.StartsWith("Pyramidal", StringComparison.Ordinal) && p.Kind == "surrogate").OrderBy(p => p.MicrosecondsPerMs).FirstOrDefault();
            pyramidSurrogateUs = best?.MicrosecondsPerMs ?? double.NaN;
            if (!convergenceOnly)
            {
                Crossover(report, summary, quick, cores, pyramidSurrogateUs, best?.Engine);
            }
        }
        else
        {
            report.AppendLine(Invariant($"NEURON rows and the pyramidal cell not measured: {neuronMissing}"));
            report.AppendLine();
        }

        if (convergenceOnly)
        {
            string studies = Path.Combine(root, "results", "benchmarks", "convergence.md");
            AtomicFile.WriteText(studies, report.ToString());
            Console.WriteLine($"wrote {studies}");
            return;
        }
        string plot = Path.Combine(root, "results", "benchmarks", "cost.png");
        Plot(plot, points, counts[^1]);
        var text = new StringBuilder();
        text.Append(report.ToString().Split("\n\n", 2)[0]).AppendLine().AppendLine();
        text.AppendLine("## Summary");
        text.AppendLine();
        summary.ForEach(line => text.AppendLine($"- {line}"));
        text.AppendLine();
        text.AppendLine("![Fidelity against cost](cost.png)");
        text.AppendLine();
        text.Append(report.ToString().Split("\n\n", 2)[1]);
        string path = Path.Combine(root, "results", "benchmarks", "cost.md");
        AtomicFile.WriteText(path, text.ToString());
        Console.WriteLine($"wrote {path} and {plot}");
    }

    private static CostEngine Simulator(string name, INeuronModel model, double flopPerMs, bool linear = false, string kind = "simulator") =>
        new(name, kind, flopPerMs, (inputs, traces) => Simulate(model, inputs, traces), linear, []);

    private static double[] Simulate(INeuronModel model, IReadOnlyList<double[]> inputs, int traces)
    {
        var batch = new TraceBatch(0, traces, 1, Steps, DtMs, false, null, model.Spikes);
        inputs[0].AsSpan(0, traces * Steps).CopyTo(batch.Currents);
        var divergences = model.Simulate(batch);
        if (divergences.Count > 0)
        {
            throw new InvalidOperationException($"{model.Description}: {divergences.Count} traces diverged");
        }
        return batch.VoltagesMv;
    }

    /// <summary>
    /// The Izhikevich neuron records at its own step: run it <paramref name="repeat"/> times finer (each current held) and
    /// record every 0.1 ms the largest voltage of the finer steps in it, so a 30 mV peak between two records is kept.
    /// </summary>
    private static double[] Finer(IzhikevichNeuron model, double[] currents, int traces, int repeat)
    {
        var batch = new TraceBatch(0, traces, 1, Steps * repeat, DtMs / repeat, false, null, model.Spikes);
        for (int i = 0; i < batch.Currents.Length; i++)
        {
            batch.Currents[i] = currents[i / repeat];
        }
        model.Simulate(batch);
        var voltages = new double[traces * Steps];
        for (int i = 0; i < voltages.Length; i++)
        {
            double most = double.NegativeInfinity;
            for (int j = 0; j < repeat; j++)
            {
                most = Math.Max(most, batch.VoltagesMv[i * repeat + j]);
            }
            voltages[i] = most;
        }
        return voltages;
    }

    /// <summary>One neuron: held-out currents, the convergence study, fidelity and cost of every engine, ratios.</summary>
    private static void Section(StringBuilder report, List<Point> points, List<string> summary, string title, INeuronModel reference, int fidelityTraces,
        int[] counts, int cores, Func<double, INeuronModel> atStep, double[] candidateDts, double referenceDt, Func<double, List<CostEngine>> simulators,
        IReadOnlyList<string> surrogatePaths, bool quickConvergence, bool convergenceOnly)
    {
        Console.WriteLine($"== {title}");
        report.AppendLine($"## {title}");
        report.AppendLine();
        int most = counts.Max();
        var currents = new double[most * Steps];
        var stimulus = new StimulusOptions { Kind = StimulusKind.Mixed, MixedMaxCurrent = reference.MixedMaxCurrent };
        Parallel.For(0, most, t => StimulusGenerator.Fill(stimulus, HeldOutSeed, t, 0, DtMs, currents.AsSpan(t * Steps, Steps)));
        // The step the simulator's accuracy needs, on these 100 ms traces and on 1 s ones (issue 22: spike times drift over a second).
        int shortTraces = Math.Min(fidelityTraces, 20);
        var sets = new[]
        {
            new ConvergenceStudy.Set(Invariant($"{shortTraces} held-out traces of {TraceMs} ms (mixed stimuli in the neuron's range, seed {HeldOutSeed}: the first of the cost benchmark's)"), currents, Steps, shortTraces),
            ConvergenceStudy.LongTraces(reference.MixedMaxCurrent, HeldOutSeed, perFamily: quickConvergence ? 1 : 2),
        };
        var studies = sets.Select(set => (set, ConvergenceStudy.Measure(atStep, reference is IzhikevichNeuron, candidateDts, set))).ToArray();
        double chosen = ConvergenceStudy.Choose([.. studies.Select(s => s.Item2)]);
        ConvergenceStudy.Write(report, studies, chosen);
        if (convergenceOnly)
        {
            return;
        }
        var truthBatch = new TraceBatch(0, fidelityTraces, 1, Steps, DtMs, false, null, reference.Spikes);
        currents.AsSpan(0, fidelityTraces * Steps).CopyTo(truthBatch.Currents);
        reference.Simulate(truthBatch);
        var truth = truthBatch.Traces;

        var engines = simulators(chosen);
        foreach (var path in surrogatePaths)
        {
            engines.AddRange(Surrogates(path));
        }

        // Fidelity against the reference (the simulator that made the training data), closed loop, on the first traces.
        var fidelity = new Dictionary<string, MetricSummary>();
        foreach (var engine in engines)
        {
            var predicted = engine.Run([currents], fidelityTraces);
            fidelity[engine.Name] = Evaluation.Summarize(truth, predicted.AsSpan(0, fidelityTraces * Steps));
        }

        // Cost: every engine once per round, in turn.
        // Peak memory first, on a cold engine (a warm one reuses what it already holds).
        var peak = engines.ToDictionary(e => e.Name, e => PeakMb(e, currents, Math.Min(most, e.Linear ? 100 * cores : most)));
        var seconds = new Dictionary<(string, int), List<double>>();
        var ran = new Dictionary<(string, int), int>();
        foreach (int count in counts)
        {
            foreach (var engine in engines)
            {
                int traces = engine.Linear && count > 100 * cores ? 100 * cores : count;
                ran[(engine.Name, count)] = traces;
                engine.Run([currents], traces); // warm-up: JIT, sessions, NEURON's file cache
            }
            int rounds = count >= 10_000 ? 2 : 3;
            for (int round = 0; round < rounds; round++)
            {
                foreach (var engine in engines)
                {
                    int traces = ran[(engine.Name, count)];
                    var clock = Stopwatch.StartNew();
                    engine.Run([currents], traces);
                    double perTrace = clock.Elapsed.TotalSeconds / traces;
                    (seconds.TryGetValue((engine.Name, count), out var list) ? list : seconds[(engine.Name, count)] = []).Add(perTrace);
                    Console.WriteLine(Invariant($"{engine.Name}, {count} traces (ran {traces}): {perTrace / TraceMs * 1e6:G4} µs per simulated ms per trace"));
                }
            }
        }
        var gemm = engines.Where(e => e.Shapes.Count > 0).ToDictionary(e => e.Name, e => GemmGflops(e.Shapes, most));

        double Us(string engine, int count) => Measurement.Median([.. seconds[(engine, count)]]) / TraceMs * 1e6;
        report.AppendLine(Invariant($"Fidelity: closed loop against the reference ({reference.Description}{(reference is HodgkinHuxleyNeuron or NeuronCellModel ? Invariant($", dt {referenceDt} ms") : "")}, the simulator that made the training data) on the first {fidelityTraces} held-out traces. Cost: µs of wall time per simulated ms per trace; `*` measured on {100 * cores} traces and scaled (cost linear in the traces: NEURON runs one pyramidal cell per process)."));
        report.AppendLine();
        report.AppendLine("| engine | Γ | Γ, traces that fire | F1 | subthreshold RMSE (mV) | " + string.Join(" | ", counts.Select(c => Invariant($"µs/ms, {c:N0} traces"))) + Invariant($" | FLOP per simulated ms | GFLOP/s at {most:N0} | ONNX Runtime GEMM, same shapes (GFLOP/s) | peak memory (MB) |"));
        report.AppendLine("|---|---:|---:|---:|---:|" + string.Concat(counts.Select(_ => "---:|")) + "---:|---:|---:|---:|");
        foreach (var engine in engines)
        {
            var f = fidelity[engine.Name];
            var costs = counts.Select(c => Invariant($"{Number(Us(engine.Name, c))}{(ran[(engine.Name, c)] < c ? "*" : "")}"));
            double gflops = engine.FlopPerMs / (Us(engine.Name, most) * 1e-6) / 1e9;
            string reference2 = gemm.TryGetValue(engine.Name, out double g) ? Invariant($"{g:F1}") : "–";
            report.AppendLine(Invariant($"| {engine.Name} | {f.Gamma:F3} | {f.GammaFiringTraces:F3} ({f.FiringTraces}) | {f.SpikeF1:F3} | {f.RmseSubthresholdMv:F2} | {string.Join(" | ", costs)} | {Number(engine.FlopPerMs)} | {gflops:G3} | {reference2} | {peak[engine.Name]:F0} |"));
            points.Add(new Point(title, engine.Name, Us(engine.Name, most), f.Gamma, engine.Kind));
        }
        report.AppendLine();

        // The surrogates against the simulator they replace: the fastest simulator engine that NEURON or .NET offers at the chosen dt.
        var baseline = engines.Where(e => e.Kind != "surrogate").ToArray();
        foreach (var sim in baseline)
        {
            foreach (var surrogate in engines.Where(e => e.Kind == "surrogate"))
            {
                var cells = counts.Select(c =>
                {
                    var ratios = seconds[(sim.Name, c)].Zip(seconds[(surrogate.Name, c)], (a, b) => a / b).ToArray();
                    return Invariant($"{c:N0}: {Measurement.Median(ratios):G3}× ({ratios.Min():G3}–{ratios.Max():G3})");
                });
                report.AppendLine(Invariant($"- {surrogate.Name} against {sim.Name}: {string.Join("; ", cells)} (simulator time / surrogate time; above 1 the surrogate is cheaper)."));
            }
        }
        report.AppendLine();
        foreach (var loaded in engines.Where(e => e.Kind == "surrogate"))
        {
            report.AppendLine(Invariant($"- {loaded.Name}: loading the graph and its card took {loaded.LoadMs:F0} ms, once, before the timed runs; NEURON's start (its processes, the cell) is inside each of its runs, as in every `simulate` call."));
        }
        report.AppendLine();

        // Per shipped model, its cheaper engine at the most traces, against the cheapest engine of each simulator kind
        // (the managed simulator, NEURON) at the steps measured.
        var byModel = engines.Where(e => e.Kind == "surrogate").GroupBy(e => e.Name[..e.Name.IndexOf(',', StringComparison.Ordinal)]);
        foreach (var model in byModel)
        {
            var surrogate = model.OrderBy(e => Us(e.Name, most)).First();
            var f = fidelity[surrogate.Name];
            var against = baseline.GroupBy(b => b.Kind).Select(kind => kind.OrderBy(b => Us(b.Name, most)).First()).Select(sim =>
            {
                double ratioMost = Measurement.Median([.. seconds[(sim.Name, most)].Zip(seconds[(surrogate.Name, most)], (a, b) => a / b)]);
                double ratioOne = Measurement.Median([.. seconds[(sim.Name, counts[0])].Zip(seconds[(surrogate.Name, counts[0])], (a, b) => a / b)]);
                string text = Invariant($"{Verdict(ratioMost)} than {sim.Name} ({Number(Us(sim.Name, most))} µs) at {most:N0} traces, {Verdict(ratioOne)} at {counts[0]} trace");
                if (sim.Kind == "NEURON" && counts.Length > 2)
                {
                    // NEURON's one-trace figure is mostly its start; once running, its per-trace cost is about its 100-trace figure.
                    double running = Us(sim.Name, counts[1]) / Us(surrogate.Name, counts[0]);
                    text += Invariant($" ({Verdict(running)} against NEURON already running, its {counts[1]:N0}-trace cost of {Number(Us(sim.Name, counts[1]))} µs)");
                }
                return text;
            });
            summary.Add(Invariant($"{title}: {surrogate.Name} costs {Number(Us(surrogate.Name, most))} µs per simulated ms per trace at {most:N0} traces: {string.Join("; ", against)}; closed-loop Γ {f.Gamma:F3} ({f.GammaFiringTraces:F3} over the {f.FiringTraces} traces that fire), F1 {f.SpikeF1:F3} against the reference."));
        }
    }

    /// <summary>Three significant digits below 100, whole numbers with separators above.</summary>
    private static string Number(double value) => Math.Abs(value) < 100 ? Invariant($"{value:G3}") : Invariant($"{value:N0}");

    private static string Verdict(double ratio) => ratio >= 1 ? Invariant($"{ratio:G3}× cheaper") : Invariant($"{1 / ratio:G3}× dearer");

    /// <summary>A shipped surrogate as two engines: the C#-driven loop over its one-step graph, and its rollout graph.</summary>
    private static IEnumerable<CostEngine> Surrogates(string modelPath)
    {
        string name = Path.GetFileNameWithoutExtension(modelPath);
        string cardPath = Path.ChangeExtension(modelPath, ".json");
        var loading = Stopwatch.StartNew();
        var surrogate = SurrogateModel.Open(modelPath, engine: SurrogateEngine.Onnx);
        double loadMs = loading.Elapsed.TotalMilliseconds;
        var (flopPerStep, stepMs, shapes) = ModelCost(cardPath);
        double flopPerMs = flopPerStep / stepMs;
        string rolloutPath = Path.Combine(Path.GetDirectoryName(modelPath)!, name + "_rollout.onnx");
        var columns = surrogate.InputColumns;
        yield return new CostEngine(Invariant($"{name}, ONNX Runtime one-step loop (step {stepMs} ms)"), "surrogate", flopPerMs, ClosedLoop(surrogate), false, shapes, loadMs);
        if (ModelCardFormat.Of(cardPath) == LatentModelCard.FormatName)
        {
            loading.Restart();
            var fused = SurrogateModel.Open(modelPath);
            double fusedLoadMs = loading.Elapsed.TotalMilliseconds;
            yield return new CostEngine(Invariant($"{name}, fused CPU engine (step {stepMs} ms)"), "surrogate", flopPerMs, ClosedLoop(fused), false, shapes, fusedLoadMs);
        }
        if (File.Exists(rolloutPath))
        {
            loading.Restart();
            var rollout = new OnnxRolloutModel(rolloutPath, otherInputs: columns.Skip(1).ToArray());
            double rolloutLoadMs = loading.Elapsed.TotalMilliseconds;
            yield return new CostEngine(Invariant($"{name}, rollout graph"), "surrogate", flopPerMs, (inputs, traces) =>
            {
                var first = new float[traces * Steps];
                for (int i = 0; i < first.Length; i++)
                {
                    first[i] = (float)inputs[0][i];
                }
                var all = new List<float[]> { first };
                all.AddRange(columns.Skip(1).Select(_ => new float[traces * Steps]));
                return [.. rollout.Run(all, traces).Select(v => (double)v)];
            }, false, shapes, rolloutLoadMs);
        }
    }

    /// <summary>FLOP per step, the step in ms, and the dense shapes, from a card (latent: its own count; state-space: the layers).</summary>
    private static (double FlopPerStep, double StepMs, IReadOnlyList<(int In, int Out)> Shapes) ModelCost(string cardPath)
    {
        string format = ModelCardFormat.Of(cardPath);
        if (format == LatentModelCard.FormatName)
        {
            var card = LatentModelCard.Read(cardPath);
            var spec = card.ToSpec(cardPath);
            var widths = new[] { spec.NetworkInputs }.Concat(card.Hidden).Append(spec.NetworkOutputs).ToArray();
            return (card.FlopPerStep, spec.SurrogateTimeStepMs, [.. widths.Zip(widths.Skip(1))]);
        }
        var stateSpace = StateSpaceModelCard.Read(cardPath);
        int[] layers = [StateSpaceSpec.FeatureCount, .. stateSpace.Hidden, StateSpaceSpec.OutputWidth];
        var pairs = layers.Zip(layers.Skip(1)).ToArray();
        // Dense layers (multiply-add as 2), the activations (SiLU: 4 per unit) and the state's bookkeeping (about 10).
        double flop = pairs.Sum(p => 2.0 * p.First * p.Second + p.Second) + 4.0 * stateSpace.Hidden.Sum() + 10;
        return (flop, stateSpace.State.TimeStepMs, pairs);
    }

    /// <summary>A surrogate's closed loop over the first input column's currents (further columns zero).</summary>
    private static Func<IReadOnlyList<double[]>, int, double[]> ClosedLoop(ISurrogate surrogate) => (inputs, traces) =>
    {
        var values = surrogate.InputColumns.ToDictionary(c => c, c => c == TraceColumns.Current ? inputs[0].AsSpan(0, traces * Steps).ToArray() : new double[traces * Steps]);
        var predictions = new double[traces * Steps];
        surrogate.Predict(PredictionMode.ClosedLoop, values, predictions, traces);
        return predictions;
    };

    /// <summary>ONNX Runtime's GEMM (MLAS) on the surrogate's dense shapes at this batch, in GFLOP/s (best of the rounds).</summary>
    internal static double GemmGflops(IReadOnlyList<(int In, int Out)> shapes, int batch)
    {
        var random = new Random(1);
        var layers = shapes.Select(s => (Enumerable.Range(0, s.In * s.Out).Select(_ => (float)random.NextDouble()).ToArray(), new long[] { s.Out, s.In }, new float[s.Out])).ToArray();
        using var dense = new DenseShapes(layers, batch);
        var (_, best) = Measurement.Time(dense.RunOnnxRuntime, 5);
        return 2.0 * shapes.Sum(s => (double)s.In * s.Out) * batch / best / 1e9;
    }

    /// <summary>Peak memory of one run: the resident growth of this process, or for NEURON the largest child process so far.</summary>
    private static double PeakMb(CostEngine engine, double[] currents, int traces)
    {
        if (engine.Kind == "NEURON")
        {
            engine.Run([currents], traces);
            return ChildrenMaxResidentKb() / 1024.0;
        }
        using var probe = MemoryProbe.Start();
        engine.Run([currents], traces);
        return probe.PeakExtraMb;
    }

    private static long ChildrenMaxResidentKb()
    {
        var usage = new RUsage();
        return GetRUsage(-1, ref usage) == 0 ? usage.MaxResidentKb : 0; // RUSAGE_CHILDREN
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxResidentKb;
        public long Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRUsage(int who, ref RUsage usage);

    /// <summary>The crossover: NEURON's cost as a ball and stick grows, beside the pyramidal surrogate's.</summary>
    private static void Crossover(StringBuilder report, List<string> summary, bool quick, int cores, double surrogateUs, string? surrogate)
    {
        report.AppendLine("## Where the surrogate starts to pay: NEURON's cost as the cell grows");
        report.AppendLine();
        report.AppendLine(Invariant($"A ball and stick (soma L = diam = 20 µm with hh; one 1000 µm dendrite, diam 2 µm, pas, of nseg segments), through the bridge at dt 0.025 ms: the marginal cost per trace, (wall(40 traces) − wall(4 traces)) / 36 × {cores} processes, so process start and cell building drop out. Beside it the surrogate of the pyramidal cell (`{surrogate}`), whose cost does not depend on the cell's size: {surrogateUs:G3} µs per simulated ms per trace at 10 000 traces."));
        report.AppendLine();
        report.AppendLine("| nseg (dendrite) | NEURON µs per simulated ms per trace | NEURON / surrogate |");
        report.AppendLine("|---:|---:|---:|");
        (int Nseg, double Us)? previous = null;
        double? crossing = null;
        foreach (int nseg in quick ? QuickSegments : Segments)
        {
            double us = BallAndStick.MarginalMicroseconds(NeuronCellModel.Load(BallAndStick.CellFile(nseg)), Steps, DtMs, cores);
            report.AppendLine(Invariant($"| {nseg} | {us:G3} | {us / surrogateUs:G3}× |"));
            Console.WriteLine(Invariant($"ball and stick nseg {nseg}: {us:G3} µs per simulated ms per trace"));
            if (crossing is null && previous is { } p && p.Us < surrogateUs && us >= surrogateUs)
            {
                // Interpolated on log scales between the two sizes that bracket it.
                double f = Math.Log(surrogateUs / p.Us) / Math.Log(us / p.Us);
                crossing = Math.Exp(Math.Log(p.Nseg) + f * (Math.Log(nseg) - Math.Log(p.Nseg)));
            }
            if (crossing is null && previous is null && us >= surrogateUs)
            {
                crossing = nseg;
            }
            previous = (nseg, us);
        }
        report.AppendLine();
        int smallest = (quick ? QuickSegments : Segments).Min();
        string where = crossing switch
        {
            double c when c <= smallest => Invariant($"NEURON's cost per trace is above the surrogate's ({surrogateUs:G3} µs) already at the smallest cell of the sweep ({smallest} dendritic segment(s), {smallest + 1} in all): the crossover lies below it, and the surrogate is cheaper by more the larger the cell."),
            double c => Invariant($"NEURON's cost per trace passes the surrogate's at about {c:G2} dendritic segments ({c + 1:G2} in all); from there on the surrogate is cheaper, by more the larger the cell."),
            _ => Invariant($"Over this sweep NEURON's cost per trace did not pass the surrogate's ({surrogateUs:G3} µs)."),
        };
        report.AppendLine(where);
        report.AppendLine();
        summary.Add("Crossover (ball and stick): " + where);
    }

    private static void Plot(string path, List<Point> points, int traces)
    {
        try
        {
            var plot = new ScottPlot.Plot();
            var palette = new Dictionary<string, Color> { ["simulator"] = Colors.Black, ["NEURON"] = Colors.RoyalBlue, ["surrogate"] = Colors.OrangeRed };
            var shapes = new[] { MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp };
            var neurons = points.Select(p => p.Neuron).Distinct().ToList();
            // One point per simulator engine and per shipped model (its cheaper engine: loop or rollout graph), named in the legend.
            var shown = points.Where(p => p.Kind != "surrogate")
                .Concat(points.Where(p => p.Kind == "surrogate").GroupBy(p => (p.Neuron, Model: p.Engine.Split(',')[0])).Select(g => g.MinBy(p => p.MicrosecondsPerMs)!));
            foreach (var p in shown.OrderBy(p => neurons.IndexOf(p.Neuron)).ThenBy(p => p.MicrosecondsPerMs))
            {
                var marker = plot.Add.Marker(Math.Log10(p.MicrosecondsPerMs), p.Gamma);
                marker.Color = palette[p.Kind];
                marker.Shape = shapes[neurons.IndexOf(p.Neuron) % shapes.Length];
                marker.Size = 11;
                marker.LegendText = Invariant($"{p.Neuron.Split(' ')[0]}: {p.Engine} — Γ {p.Gamma:F2}, {p.MicrosecondsPerMs:G3} µs");
            }
            var target = plot.Add.HorizontalLine(0.9);
            target.LinePattern = LinePattern.Dashed;
            target.Color = Colors.Gray;
            target.LegendText = "Γ 0.90";
            plot.ShowLegend(Edge.Right);
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = x => Invariant($"{Math.Pow(10, x):G2}") };
            plot.Title(Invariant($"Fidelity against cost at {traces:N0} traces (black: managed simulators, blue: NEURON, red: surrogates)"));
            plot.XLabel("µs of wall time per simulated ms per trace (log scale)");
            plot.YLabel("closed-loop Γ against the reference");
            plot.Axes.SetLimitsY(Math.Min(0.85, points.Min(p => p.Gamma)) - 0.03, 1.02);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var bytes = plot.GetImageBytes(1700, 700, ImageFormat.Png);
            AtomicFile.Write(path, s => s.Write(bytes));
        }
#pragma warning disable CA1031 // A missing font must not lose the tables.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"warning: {path} not written ({e.Message}); on Debian, `apt-get install fonts-dejavu-core` gives ScottPlot its fonts");
        }
    }
}

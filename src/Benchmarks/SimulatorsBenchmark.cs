using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;
using static System.FormattableString;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// The simulators side by side (issue "Neurons that cost something"): wall time per simulated ms per trace for the
/// Izhikevich fast path, the managed Hodgkin–Huxley neuron, NEURON's HH and NEURON's pyramidal cell at 1, 100 and
/// 10 000 traces, engines timed in interleaved rounds; the NEURON bridge against NEURON run directly; NEURON's cost
/// against segment count; the Izhikevich fast path against the C anchor. Writes <c>results/benchmarks/simulators.md</c>.
/// </summary>
internal static partial class SimulatorsBenchmark
{
    private const int Steps = 1000;
    private const double DtMs = 0.1, TraceMs = Steps * DtMs;

    private sealed record Engine(string Name, INeuronModel Model, bool Linear);

    public static void Run(string root, bool quick)
    {
        int cores = Environment.ProcessorCount;
        var report = new StringBuilder();
        report.AppendLine("# Simulators side by side");
        report.AppendLine();
        report.AppendLine(Invariant($"Machine: {SimulatorBenchmark.CpuModel()}, {cores} cores; .NET {Environment.Version}. Measured {DateTime.UtcNow:yyyy-MM-dd} with"));
        report.AppendLine("`dotnet run -c Release --project src/Benchmarks -- simulators`. Traces of 100 ms (1000 recorded steps of 0.1 ms), mixed stimuli in each");
        report.AppendLine("neuron's range; every engine on all cores (NEURON: one process per core, each a contiguous shard of the traces).");
        report.AppendLine();

        var engines = new List<Engine>
        {
            new("Izhikevich RS, fast path (Euler, dt 0.1 ms)", new IzhikevichNeuron(new IzhikevichSimulationOptions()), false),
            new("managed HH, NEURON's scheme (dt 0.025 ms)", new HodgkinHuxleyNeuron(new HodgkinHuxleySimulationOptions()), false),
            new("managed HH, RK4 (dt 0.025 ms)", new HodgkinHuxleyNeuron(new HodgkinHuxleySimulationOptions { Integrator = HodgkinHuxleyIntegrator.RungeKutta4 }), false),
        };
        string? neuronMissing = null;
        NeuronCellModel? neuronHh = null, pyramid = null;
        try
        {
            neuronHh = NeuronCellModel.Load(Path.Combine(root, "models", "cells", "hh.py"));
            pyramid = NeuronCellModel.Load(Path.Combine(root, "models", "cells", "pyramid.py"));
            engines.Add(new("NEURON HH point cell (models/cells/hh.py)", neuronHh, false));
            engines.Add(new("NEURON pyramidal cell (models/cells/pyramid.py, 215 segments)", pyramid, true));
        }
        catch (SimulatorException e)
        {
            neuronMissing = e.Message;
        }

        PerTraceCost(report, engines, quick ? [1, 100] : [1, 100, 10_000], cores);
        if (neuronHh is not null && pyramid is not null)
        {
            ManyCellsPerProcess(report, (HodgkinHuxleyNeuron)engines[1].Model, neuronHh, quick ? 1000 : 10_000, cores);
            BridgeAgainstDirect(report, root, neuronHh, pyramid, quick, cores);
            SegmentSweep(report, quick, cores);
        }
        else
        {
            report.AppendLine(Invariant($"NEURON rows not measured: {neuronMissing}"));
            report.AppendLine();
        }
        AnchorComparison(report, root, quick, cores);

        string path = Path.Combine(root, "results", "benchmarks", "simulators.md");
        AtomicFile.WriteText(path, report.ToString());
        Console.WriteLine($"wrote {path}");
    }

    private static TraceBatch Batch(INeuronModel model, int traces, long seed)
    {
        var batch = new TraceBatch(0, traces, 1, Steps, DtMs, false, null, model.Spikes);
        var stimulus = new StimulusOptions { Kind = StimulusKind.Mixed, MixedMaxCurrent = model.MixedMaxCurrent };
        Parallel.For(0, traces, t => StimulusGenerator.Fill(stimulus, seed, t, 0, DtMs, batch.Trace(batch.Currents, t)));
        return batch;
    }

    private static void PerTraceCost(StringBuilder report, List<Engine> engines, int[] counts, int cores)
    {
        report.AppendLine("## Wall time per simulated ms per trace (µs)");
        report.AppendLine();
        report.AppendLine("Median over interleaved rounds (every engine once per round, in turn). NEURON's figures include starting its processes and");
        report.AppendLine("building the cell (the cost of one `simulate` call); `*`: an engine whose cost is linear in the trace count, measured on");
        report.AppendLine(Invariant($"100 traces per core ({100 * cores}) and scaled, as marked."));
        report.AppendLine();
        report.AppendLine("| engine | " + string.Join(" | ", counts.Select(c => Invariant($"{c:N0} traces"))) + " |");
        report.AppendLine("|---|" + string.Concat(counts.Select(_ => "---:|")));
        var perTrace = new Dictionary<(string, int), List<double>>();
        foreach (int count in counts)
        {
            int rounds = count >= 10_000 ? 2 : 3;
            var batches = engines.ToDictionary(e => e.Name, e => Batch(e.Model, e.Linear && count > 100 * cores ? 100 * cores : count, 42));
            foreach (var e in engines)
            {
                e.Model.Simulate(batches[e.Name]); // warm-up: JIT, page faults, NEURON's file cache
            }
            for (int round = 0; round < rounds; round++)
            {
                foreach (var e in engines)
                {
                    var batch = batches[e.Name];
                    var clock = Stopwatch.StartNew();
                    var divergences = e.Model.Simulate(batch);
                    double seconds = clock.Elapsed.TotalSeconds;
                    if (divergences.Count > 0)
                    {
                        throw new InvalidOperationException($"{e.Name}: {divergences.Count} traces diverged");
                    }
                    double microseconds = seconds / batch.TraceCount / TraceMs * 1e6;
                    (perTrace.TryGetValue((e.Name, count), out var list) ? list : perTrace[(e.Name, count)] = []).Add(microseconds);
                    Console.WriteLine(Invariant($"{e.Name}, {count} traces (ran {batch.TraceCount}): {microseconds:G4} µs per simulated ms per trace"));
                }
            }
        }
        foreach (var e in engines)
        {
            var cells = counts.Select(c =>
            {
                double median = Measurement.Median([.. perTrace[(e.Name, c)]]);
                bool scaled = e.Linear && c > 100 * cores;
                return Invariant($"{median:G3}{(scaled ? "*" : "")}");
            });
            report.AppendLine($"| {e.Name} | {string.Join(" | ", cells)} |");
        }
        report.AppendLine();
        var hh = engines.FirstOrDefault(e => e.Model is HodgkinHuxleyNeuron { Integrator: "neuron" });
        var nrn = engines.FirstOrDefault(e => e.Model is NeuronCellModel && !e.Linear);
        if (hh is not null && nrn is not null)
        {
            foreach (int c in counts)
            {
                var ratios = perTrace[(nrn.Name, c)].Zip(perTrace[(hh.Name, c)], (n, m) => n / m).ToArray();
                report.AppendLine(Invariant($"- {c:N0} traces: the managed HH is {Measurement.Median(ratios):F1}× faster than NEURON's HH per trace (median of paired rounds, range {ratios.Min():F1}–{ratios.Max():F1}×)."));
            }
            report.AppendLine();
        }
    }

    /// <summary>
    /// NEURON at its most efficient for a point cell: 100 cells simulated together in each process (per-step overhead
    /// shared), run directly by a script, against the managed HH on the same number of traces, in alternation.
    /// </summary>
    private static void ManyCellsPerProcess(StringBuilder report, HodgkinHuxleyNeuron managed, NeuronCellModel neuronHh, int traces, int cores)
    {
        const int copies = 100;
        string script = Path.Combine(AppContext.BaseDirectory, "neuron_direct.py");
        var batch = Batch(managed, traces, 42);
        managed.Simulate(batch);
        var neuron = new List<double>();
        var ours = new List<double>();
        for (int round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, cores, new ParallelOptions { MaxDegreeOfParallelism = cores }, p =>
            {
                int first = traces * p / cores, end = traces * (p + 1) / cores;
                RunPython(neuronHh.Python, script, neuronHh.CellPath, end - first, Steps, first, copies);
            });
            neuron.Add(clock.Elapsed.TotalSeconds / traces / TraceMs * 1e6);
            clock.Restart();
            managed.Simulate(batch);
            ours.Add(clock.Elapsed.TotalSeconds / traces / TraceMs * 1e6);
            Console.WriteLine(Invariant($"NEURON HH, {copies} cells per process: {neuron[^1]:G4}; managed HH: {ours[^1]:G4} µs per simulated ms per trace"));
        }
        var ratios = neuron.Zip(ours, (n, m) => n / m).ToArray();
        report.AppendLine(Invariant($"NEURON at its most efficient for the point cell: {copies} HH cells simulated together in each of {cores} processes (`neuron_direct.py ... {copies}`,"));
        report.AppendLine(Invariant($"per-step overhead shared), {traces:N0} traces: {Measurement.Median([.. neuron]):G3} µs per simulated ms per trace, against {Measurement.Median([.. ours]):G3} for the"));
        report.AppendLine(Invariant($"managed HH in alternation: the managed HH is {Measurement.Median(ratios):F1}× faster (median of paired rounds, {ratios.Min():F1}–{ratios.Max():F1}×)."));
        report.AppendLine();
    }

    private static void BridgeAgainstDirect(StringBuilder report, string root, NeuronCellModel hh, NeuronCellModel pyramid, bool quick, int cores)
    {
        report.AppendLine("## The NEURON bridge against NEURON run directly");
        report.AppendLine();
        report.AppendLine("Same cell, same traces × steps, wall time end to end (processes started, cell built, traces run). Direct: `src/Benchmarks/neuron_direct.py`,");
        report.AppendLine(Invariant($"the cell file run by NEURON alone with stdrun's `continuerun`, {cores} processes in parallel on equal shares, as many cells per simulation as"));
        report.AppendLine("the bridge uses (100 for a reentrant cell file such as hh.py, else 1); bridge: `INeuronModel.Simulate` with the project's driver (currents and");
        report.AppendLine("voltages through binary shard files). Ratio: median of paired rounds.");
        report.AppendLine();
        report.AppendLine("| cell | traces | direct (s) | bridge (s) | bridge / direct | bridge, 1 process (s) | 1 process / all |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        string script = Path.Combine(AppContext.BaseDirectory, "neuron_direct.py");
        foreach (var (cell, traces) in new[] { (hh, quick ? 40 : 400), (pyramid, quick ? 8 : 40) })
        {
            var batch = Batch(cell, traces, 7);
            var single = NeuronCellModel.Load(cell.CellPath, new NeuronCellOptions { Processes = 1 });
            var direct = new List<double>();
            var bridge = new List<double>();
            var one = new List<double>();
            for (int round = 0; round < 3; round++)
            {
                var clock = Stopwatch.StartNew();
                Parallel.For(0, cores, new ParallelOptions { MaxDegreeOfParallelism = cores }, p =>
                {
                    int first = traces * p / cores, end = traces * (p + 1) / cores;
                    RunPython(cell.Python, script, cell.CellPath, end - first, Steps, first, cell.Info.Reentrant ? 100 : 1);
                });
                direct.Add(clock.Elapsed.TotalSeconds);
                clock.Restart();
                cell.Simulate(batch);
                bridge.Add(clock.Elapsed.TotalSeconds);
                clock.Restart();
                single.Simulate(batch);
                one.Add(clock.Elapsed.TotalSeconds);
                Console.WriteLine(Invariant($"{Path.GetFileName(cell.CellPath)}: direct {direct[^1]:F2} s, bridge {bridge[^1]:F2} s, bridge 1 process {one[^1]:F2} s"));
            }
            var ratios = bridge.Zip(direct, (b, d) => b / d).ToArray();
            var scaling = one.Zip(bridge, (o, b) => o / b).ToArray();
            report.AppendLine(Invariant($"| {Path.GetFileName(cell.CellPath)} | {traces} × {Steps} | {Measurement.Median([.. direct]):F2} | {Measurement.Median([.. bridge]):F2} | {Measurement.Median(ratios):F3} ({ratios.Min():F3}–{ratios.Max():F3}) | {Measurement.Median([.. one]):F2} | {Measurement.Median(scaling):F2}× |"));
        }
        report.AppendLine();
    }

    private static void SegmentSweep(StringBuilder report, bool quick, int cores)
    {
        report.AppendLine("## NEURON's cost against segment count (ball and stick)");
        report.AppendLine();
        report.AppendLine("Soma (L = diam = 20 µm, hh) and one dendrite (1000 µm, diam 2 µm, pas) of nseg segments, through the bridge, dt 0.025 ms.");
        report.AppendLine(Invariant($"Marginal cost: (wall(40 traces) − wall(4 traces)) / 36, so process start and cell building drop out; {cores} processes."));
        report.AppendLine();
        report.AppendLine("| nseg (dendrite) | µs per simulated ms per trace | ns per segment per solver step |");
        report.AppendLine("|---:|---:|---:|");
        foreach (int nseg in quick ? new[] { 1, 100 } : new[] { 1, 3, 10, 30, 100, 300, 1000 })
        {
            double perTrace = BallAndStick.MarginalMicroseconds(NeuronCellModel.Load(BallAndStick.CellFile(nseg)), Steps, DtMs, cores);
            int segments = nseg + 1;
            double perSegmentStep = perTrace * 1e3 / (segments * (1 / 0.025));
            report.AppendLine(Invariant($"| {nseg} | {perTrace:G3} | {perSegmentStep:G3} |"));
            Console.WriteLine(Invariant($"ball and stick nseg {nseg}: {perTrace:G3} µs per simulated ms per trace (one process)"));
        }
        report.AppendLine();
        report.AppendLine(Invariant($"(Per trace on one core: the marginal wall time × {cores} processes.)"));
        report.AppendLine();
    }

    private static void AnchorComparison(StringBuilder report, string root, bool quick, int cores)
    {
        report.AppendLine("## Izhikevich fast path against the C anchor");
        report.AppendLine();
        string source = Path.GetFullPath(Path.Combine(root, "..", "shared", "anchors", "izhikevich_anchor.c"));
        string binary = Path.Combine(Path.GetTempPath(), "neuron-surrogate-bench", "izhikevich_anchor");
        int traces = quick ? 20_000 : 100_000;
        if (!File.Exists(source) || !Compile(source, binary))
        {
            report.AppendLine(Invariant($"Not measured: {(File.Exists(source) ? "gcc could not build" : "not found:")} {source}."));
            report.AppendLine();
            return;
        }
        report.AppendLine(Invariant($"`{traces:N0} × 1000` RS neurons, time-major, both on {cores} threads; the anchor built as its header says"));
        report.AppendLine("(`gcc -O3 -march=native -fopenmp`, `OMP_NUM_THREADS` = cores), best of its 5 repetitions; the fast path `SimulateTimeMajor`,");
        report.AppendLine("best of 5 after a warm-up; 5 rounds in alternation.");
        report.AppendLine();
        var options = new IzhikevichSimulationOptions();
        var currents = new double[traces * 1000];
        var random = new Random(42);
        for (int i = 0; i < currents.Length; i++)
        {
            currents[i] = 10.0 + 8.5 * (random.NextDouble() - 0.5);
        }
        var voltages = new double[currents.Length];
        IzhikevichBatchSimulator.SimulateTimeMajor(options, currents, voltages, traces);
        var ratios = new List<double>();
        var ours = new List<double>();
        var anchor = new List<double>();
        for (int round = 0; round < 5; round++)
        {
            anchor.Add(RunAnchor(binary, traces, cores));
            var (_, best) = Measurement.Time(() => IzhikevichBatchSimulator.SimulateTimeMajor(options, currents, voltages, traces), 5);
            ours.Add(traces * 1000.0 / best);
            ratios.Add(ours[^1] / anchor[^1]);
            Console.WriteLine(Invariant($"anchor {anchor[^1]:E3}, fast path {ours[^1]:E3} neuron-steps/s"));
        }
        report.AppendLine("| engine | neuron-steps/s (median of rounds) |");
        report.AppendLine("|---|---:|");
        report.AppendLine(Invariant($"| C anchor | {Measurement.Median([.. anchor]):E2} |"));
        report.AppendLine(Invariant($"| fast path, time-major | {Measurement.Median([.. ours]):E2} |"));
        report.AppendLine();
        report.AppendLine(Invariant($"Fast path / anchor: {Measurement.Median([.. ratios]):P0} (median of paired rounds; range {ratios.Min():P0}–{ratios.Max():P0})."));
        report.AppendLine();
    }

    private static bool Compile(string source, string binary)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(binary)!);
        try
        {
            using var gcc = Process.Start(new ProcessStartInfo("gcc", ["-O3", "-march=native", "-fopenmp", source, "-o", binary]) { RedirectStandardError = true })!;
            gcc.StandardError.ReadToEnd();
            gcc.WaitForExit();
            return gcc.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static double RunAnchor(string binary, int traces, int cores)
    {
        var info = new ProcessStartInfo(binary, [traces.ToString(CultureInfo.InvariantCulture), "1000"]) { RedirectStandardOutput = true };
        info.Environment["OMP_NUM_THREADS"] = cores.ToString(CultureInfo.InvariantCulture);
        using var run = Process.Start(info)!;
        string output = run.StandardOutput.ReadToEnd();
        run.WaitForExit();
        var match = AnchorRate().Match(output);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : throw new InvalidOperationException($"anchor output: {output}");
    }

    private static void RunPython(string python, string script, string cell, int traces, int steps, int first, int copies = 1)
    {
        var info = new ProcessStartInfo(python, [script, cell, traces.ToString(CultureInfo.InvariantCulture), steps.ToString(CultureInfo.InvariantCulture),
            first.ToString(CultureInfo.InvariantCulture), copies.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment.Remove("DISPLAY");
        using var run = Process.Start(info)!;
        var error = run.StandardError.ReadToEndAsync();
        run.StandardOutput.ReadToEnd();
        run.WaitForExit();
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed: {error.Result}");
        }
    }

    [GeneratedRegex(@"= ([0-9.eE+\-]+) neuron-steps/s")]
    private static partial Regex AnchorRate();
}

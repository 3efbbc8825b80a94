using System.Diagnostics;
using System.Globalization;
using System.Text;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;
using static System.FormattableString;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// What the synaptic surrogates (models/pyramid_synaptic_latent.* at k = 10 and pyramid_synaptic_latent_k5.*) cost beside NEURON on the synaptic pyramidal cell
/// (issue 24, item 6), in one run, rounds interleaved, as ratios of core time per simulated ms per trace: the surrogate
/// in process at 1, 100 and 10 000 traces (the fused CPU engine, which sums only the synapses with events, and ONNX
/// Runtime), NEURON at dt 0.025 ms, and the whole <c>predict</c> process on a file; writes results/pyramid_synaptic_latent/cost.md.
/// </summary>
internal static class SynapticSurrogateBenchmark
{
    private const double StepMs = 0.1;

    public static void Run(string root, bool quick)
    {
        string modelPath = Path.Combine(root, "models", "pyramid_synaptic_latent.onnx");
        string[] modelNames = ["pyramid_synaptic_latent", "pyramid_synaptic_latent_k5"];
        string cell = Path.Combine(root, "models", "cells", "pyramid_synaptic.py");
        var neuron = NeuronCellModel.Load(cell);
        var synapses = neuron.Synapses;
        int rounds = quick ? 1 : 3, cores = Environment.ProcessorCount;
        // Surrogate work: traces × 200 ms; NEURON: 4 traces × 500 ms per round (2 processes at once).
        int[] sizes = quick ? [1, 100] : [1, 100, 10_000];
        const int surrogateSteps = 2000, neuronTraces = 4, neuronSteps = 5000;
        var options = new SynapticInputOptions();
        TraceEvents[] Events(int count, int steps, long seed) =>
            Enumerable.Range(0, count).Select(i => SynapticInputGenerator.Draw(options, synapses, seed, i, 0, steps, StepMs)).ToArray();
        var inputs = sizes.ToDictionary(n => n, n => Events(n, surrogateSteps, 77));
        double eventsPerMs = inputs[sizes[^1]].Sum(e => (long)e.Count) / (sizes[^1] * surrogateSteps * StepMs);

        // Every shipped synaptic model on both engines, in alternation within each round.
        var engines = new List<(LatentSurrogate Engine, string Model, string Name)>();
        foreach (string model in modelNames)
        {
            string file = Path.Combine(root, "models", model + ".onnx");
            engines.Add((new LatentSurrogate(file, Path.ChangeExtension(file, ".json")), model, "fused"));
            engines.Add((new LatentSurrogate(file, Path.ChangeExtension(file, ".json"), engine: SurrogateEngine.Onnx), model, "onnx"));
        }
        var samples = new Dictionary<string, List<double>>();
        void Add(string key, double value) => (samples.TryGetValue(key, out var list) ? list : samples[key] = []).Add(value);
        for (int round = 0; round < rounds; round++)
        {
            foreach (int n in sizes)
            {
                foreach (var (engine, model, name) in engines)
                {
                    if (name == "onnx" && n > 1000 && quick)
                    {
                        continue;
                    }
                    var predictions = new double[n * surrogateSteps];
                    var probability = new double[predictions.Length];
                    var clock = Stopwatch.StartNew();
                    engine.PredictEvents(inputs[n], surrogateSteps, predictions, probability);
                    double wall = clock.Elapsed.TotalSeconds;
                    // Core time: the fused engine spreads batches of more than one block over every core, and ONNX Runtime's
                    // intra-op pool has a thread per core (counted busy for any batch); one trace of the fused engine runs on one.
                    int used = name == "fused" ? (Rollout.LatentRollout.BlockSize(n) < n ? cores : 1) : (n > 1 ? cores : 1);
                    Add($"{model} {name} {n}", wall * used * 1e6 / (n * surrogateSteps * StepMs));
                    Console.WriteLine(Invariant($"round {round}: {model} {name}, {n} traces × {surrogateSteps * StepMs} ms: {wall:F3} s"));
                }
            }
            var batch = new TraceBatch(round * 100, neuronTraces, 1, neuronSteps, StepMs, false, null, neuron.Spikes) { Events = Events(neuronTraces, neuronSteps, 78 + round) };
            var watch = Stopwatch.StartNew();
            neuron.Simulate(batch);
            double neuronWall = watch.Elapsed.TotalSeconds;
            Add("neuron", neuronWall * Math.Min(cores, neuronTraces) * 1e6 / (neuronTraces * neuronSteps * StepMs));
            Console.WriteLine(Invariant($"round {round}: NEURON dt 0.025, {neuronTraces} traces × {neuronSteps * StepMs} ms: {neuronWall:F2} s"));
        }
        double Median(string key) => samples[key].Order().ElementAt(samples[key].Count / 2);
        double neuronCost = Median("neuron");
        var whole = WholeProcess(root, modelPath, Events(100, 20_000, 79), quick, neuronCost, cores);
        foreach (var (engine, _, _) in engines)
        {
            engine.Dispose();
        }

        var report = new StringBuilder("# The synaptic surrogate's cost beside NEURON\n\n");
        report.AppendLine(Invariant($"Measured {DateTime.UtcNow:yyyy-MM-dd} by `dotnet run -c Release --project src/Benchmarks -- synaptic-surrogate{(quick ? " --quick" : "")}` on this machine ({cores} cores), {rounds} interleaved round(s), medians. Models: {string.Join(" and ", engines.Where(e => e.Name == "fused").Select(e => Invariant($"models/{e.Model}.onnx (k = {e.Engine.Spec.StepFactor})")))}, {engines[0].Engine.Spec.Synapses} synapses. Inputs: the default synaptic statistics, {eventsPerMs:F2} input events per simulated ms per trace. Costs are core time (wall × cores busy; ONNX Runtime counted on every core above one trace, as its thread pool runs one thread per core) per simulated ms per trace, in µs."));
        report.AppendLine();
        report.AppendLine("| engine | model | traces | µs per simulated ms per trace | NEURON dt 0.025 ÷ this |");
        report.AppendLine("|---|---|---:|---:|---:|");
        report.AppendLine(Invariant($"| NEURON dt 0.025 ms ({neuronTraces} traces × {neuronSteps * StepMs} ms, {Math.Min(cores, neuronTraces)} processes; process start, cell build and event queueing included) | – | {neuronTraces} | {neuronCost:F0} | 1 |"));
        foreach (string model in modelNames)
        {
            foreach (int n in sizes)
            {
                foreach (string name in new[] { "fused", "onnx" })
                {
                    if (samples.ContainsKey($"{model} {name} {n}"))
                    {
                        double cost = Median($"{model} {name} {n}");
                        report.AppendLine(Invariant($"| surrogate, {(name == "fused" ? "fused CPU engine (sparse over active synapses)" : "ONNX Runtime (dense [N, 402] counts)")} | {model} | {n} | {cost:F2} | {neuronCost / cost:F0}× |"));
                    }
                }
            }
        }
        report.AppendLine();
        report.AppendLine(whole);
        report.AppendLine();
        report.AppendLine(Invariant($"NEURON at dt 0.1 ms and with CVode, and the spike times each keeps, are in [results/pyramid_synaptic/neuron.md](../pyramid_synaptic/neuron.md); the surrogate's fidelity is in [report.md](report.md)."));
        string folder = Path.Combine(root, "results", "pyramid_synaptic_latent");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "cost.md");
        File.WriteAllText(path, report.ToString());
        Console.WriteLine($"wrote {path}");
        Console.Write(report);
    }

    /// <summary>
    /// The built tool on files: a traces grid (CSV) and an events file (Parquet) of 100 traces × 2 s, start-up included,
    /// beside the wall time NEURON would take on the same work at its measured core time (µs per simulated ms per trace) over every core.
    /// </summary>
    private static string WholeProcess(string root, string modelPath, TraceEvents[] events, bool quick, double neuronCost, int cores)
    {
        string cli = Path.Combine(root, "src/Cli/bin/Release/net10.0/neuron-surrogate");
        if (!File.Exists(cli))
        {
            return "The whole `predict` process was not measured: build the CLI first (`dotnet build -c Release`).";
        }
        string folder = Directory.CreateTempSubdirectory("neuron-surrogate-synaptic-cost").FullName;
        try
        {
            int traces = quick ? 10 : events.Length, steps = 20_000;
            string grid = Path.Combine(folder, "grid.csv"), eventsPath = Path.Combine(folder, "grid.events.parquet"), output = Path.Combine(folder, "out.csv");
            using (var writer = new StreamWriter(grid))
            {
                writer.WriteLine("run,neuron,time_ms,current");
                for (int t = 0; t < traces; t++)
                {
                    for (int s = 0; s < steps; s++)
                    {
                        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t},0,{s * StepMs:0.0##},0"));
                    }
                }
            }
            EventFile.Write(eventsPath, events.Take(traces).ToArray());
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(new ProcessStartInfo(cli, ["predict", "-m", modelPath, "-i", grid, "-o", output, "--events", eventsPath]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            double seconds = clock.Elapsed.TotalSeconds;
            if (process.ExitCode != 0)
            {
                return $"The whole `predict` process failed: {error.Trim()}";
            }
            double neuronWall = neuronCost * traces * steps * StepMs / 1e6 / cores;
            return Invariant($"Whole `predict` process (the built tool, start-up, reading the grid CSV and the events Parquet, writing the predictions CSV): {traces} traces × {steps * StepMs / 1000:G3} s in {seconds:F2} s wall, {seconds * 1e6 / (traces * steps * StepMs):F1} µs of wall time per simulated ms per trace. NEURON at dt 0.025 ms on the same work, at its cost above spread over {cores} processes, would take {neuronWall:F0} s wall: {neuronWall / seconds:F0}× the `predict` process.");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

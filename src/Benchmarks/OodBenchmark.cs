using System.Globalization;
using System.Text;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;
using static System.FormattableString;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// The out-of-distribution suite (issue 22): every shipped latent model, closed loop with the fused engine, on 1 s traces
/// of current families its training generator never drew (<see cref="OodFamily"/>), scored against the simulator that
/// made its training data; beside it, that simulator at twice its solver step against itself (the yardstick), and Γ
/// over the first 250, 500 and 1000 ms. Writes results/benchmarks/ood.md.
/// </summary>
internal static class OodBenchmark
{
    private const long Seed = 2222;
    private const double DtMs = 0.1;
    private static readonly double[] WindowsMs = [250, 500, 1000];

    private sealed record Subject(string Model, string Neuron, INeuronModel Reference, INeuronModel? Coarse, string CoarseName);

    public static void Run(string root, bool quick)
    {
        int traces = quick ? 2 : 6, steps = (int)Math.Round(1000 / DtMs);
        var subjects = new List<Subject>
        {
            new("rs_latent", "Izhikevich RS", new IzhikevichNeuron(new IzhikevichSimulationOptions()), null, "– (the data's definition is Euler at 0.1 ms)"),
            new("hh_latent", "Hodgkin–Huxley point neuron", new HodgkinHuxleyNeuron(new HodgkinHuxleySimulationOptions()),
                new HodgkinHuxleyNeuron(new HodgkinHuxleySimulationOptions { SolverStepMs = 0.05 }), "managed HH, dt 0.05 ms"),
        };
        string? missing = null;
        try
        {
            string cell = Path.Combine(root, "models", "cells", "pyramid.py");
            var pyramid = NeuronCellModel.Load(cell);
            var coarse = NeuronCellModel.Load(cell, new NeuronCellOptions { SolverStepMs = 0.05 });
            subjects.Add(new Subject("pyramid_latent", "pyramidal cell (NEURON, 215 segments)", pyramid, coarse, "NEURON, dt 0.05 ms"));
            subjects.Add(new Subject("pyramid_latent_k5", "pyramidal cell (NEURON, 215 segments)", pyramid, coarse, "NEURON, dt 0.05 ms"));
        }
        catch (SimulatorException e)
        {
            missing = e.Message;
        }
        var families = Enum.GetValues<OodFamily>();
        var report = new StringBuilder("# Out-of-distribution suite\n\n");
        report.AppendLine(Invariant($"Measured {DateTime.UtcNow:yyyy-MM-dd} by `dotnet run -c Release --project src/Benchmarks -- ood{(quick ? " --quick" : "")}`. Each shipped latent model runs closed loop (the fused engine, given only the currents) on {traces} traces of 1 s at {DtMs} ms per family, seed {Seed}; the families are ones the training generator never draws (sines 2–25 Hz, a chirp 0.5–50 Hz, OU noise with τ 50–150 ms, hyperpolarization then a step, hyperpolarizing pulses, staircases, ramps from negative currents, square waves), scaled by the largest current of the neuron's training data. Truth: the simulator that made the training data (HH and NEURON at dt 0.025 ms). Yardstick: that simulator at twice its step, scored against the truth the same way. Γ is the coincidence factor at ±2 ms, mean over traces. No training or model choice ever saw these traces."));
        report.AppendLine();
        if (missing is not null)
        {
            report.AppendLine(Invariant($"The pyramidal cell's models were not measured: {missing}"));
            report.AppendLine();
        }
        report.AppendLine("## Γ per family (1 s traces)");
        report.AppendLine();
        report.AppendLine("| model | " + string.Join(" | ", families) + " | all |");
        report.AppendLine("|---|" + string.Concat(families.Select(_ => "---:|")) + "---:|");
        var lengthRows = new List<string>();
        foreach (var subject in subjects)
        {
            using var model = SurrogateModel.Open(Path.Combine(root, "models", subject.Model + ".onnx"));
            var scale = subject.Reference.MixedMaxCurrent;
            var cells = new List<string>();
            var coarseCells = new List<string>();
            var all = new List<TraceMetrics>();
            var allCoarse = new List<TraceMetrics>();
            var byWindow = WindowsMs.ToDictionary(w => w, _ => new List<TraceMetrics>());
            var coarseByWindow = WindowsMs.ToDictionary(w => w, _ => new List<TraceMetrics>());
            foreach (var family in families)
            {
                var currents = new double[traces * steps];
                for (int t = 0; t < traces; t++)
                {
                    OodStimulus.Fill(family, scale, Seed, t, DtMs, currents.AsSpan(t * steps, steps));
                }
                var truth = Simulate(subject.Reference, currents, traces, steps);
                var predicted = new double[currents.Length];
                model.Predict(PredictionMode.ClosedLoop, new Dictionary<string, double[]> { [TraceColumns.Current] = currents }, predicted, traces);
                var metrics = Score(truth, predicted, traces, steps, steps);
                all.AddRange(metrics);
                cells.Add(Invariant($"{metrics.Average(m => m.Gamma):F2}"));
                foreach (var window in WindowsMs)
                {
                    byWindow[window].AddRange(Score(truth, predicted, traces, steps, (int)Math.Round(window / DtMs)));
                }
                if (subject.Coarse is not null)
                {
                    var coarse = Simulate(subject.Coarse, currents, traces, steps);
                    var coarseMetrics = Score(truth, coarse, traces, steps, steps);
                    allCoarse.AddRange(coarseMetrics);
                    coarseCells.Add(Invariant($"{coarseMetrics.Average(m => m.Gamma):F2}"));
                    foreach (var window in WindowsMs)
                    {
                        coarseByWindow[window].AddRange(Score(truth, coarse, traces, steps, (int)Math.Round(window / DtMs)));
                    }
                }
                Console.WriteLine(Invariant($"{subject.Model}, {family}: done"));
            }
            report.AppendLine(Invariant($"| `{subject.Model}` | {string.Join(" | ", cells)} | **{all.Average(m => m.Gamma):F2}** |"));
            if (subject.Coarse is not null)
            {
                report.AppendLine(Invariant($"| yardstick: {subject.CoarseName} | {string.Join(" | ", coarseCells)} | **{allCoarse.Average(m => m.Gamma):F2}** |"));
            }
            lengthRows.Add(Invariant($"| `{subject.Model}` | {string.Join(" | ", WindowsMs.Select(w => byWindow[w].Average(m => m.Gamma).ToString("F2", CultureInfo.InvariantCulture)))} | {subject.CoarseName} | {(subject.Coarse is null ? "–" : string.Join(" / ", WindowsMs.Select(w => coarseByWindow[w].Average(m => m.Gamma).ToString("F2", CultureInfo.InvariantCulture))))} |"));
        }
        report.AppendLine();
        report.AppendLine("## Γ against trace length (every family, the first 250, 500 and 1000 ms of the same traces)");
        report.AppendLine();
        report.AppendLine("| model | 250 ms | 500 ms | 1000 ms | yardstick | yardstick 250 / 500 / 1000 ms |");
        report.AppendLine("|---|---:|---:|---:|---|---|");
        foreach (var row in lengthRows)
        {
            report.AppendLine(row);
        }
        report.AppendLine();
        report.AppendLine("For comparison, the in-distribution test runs (100 ms, the training generator's mixed stimuli) score Γ 0.95–0.98 for these models (README).");
        string target = Path.Combine(root, "results", "benchmarks", "ood.md");
        AtomicFile.WriteText(target, report.ToString());
        Console.WriteLine($"wrote {target}");
    }

    private static double[] Simulate(INeuronModel neuron, double[] currents, int traces, int steps)
    {
        var batch = new TraceBatch(0, traces, 1, steps, DtMs, includeRecovery: false, [TraceColumns.Current], neuron.Spikes);
        currents.CopyTo(batch.Inputs[0], 0);
        var divergences = neuron.Simulate(batch);
        if (divergences.Count > 0)
        {
            throw new InvalidOperationException($"{neuron.Name} diverged on an out-of-distribution trace");
        }
        return batch.VoltagesMv;
    }

    private static List<TraceMetrics> Score(double[] truth, double[] predicted, int traces, int steps, int window) =>
        [.. Enumerable.Range(0, traces).Select(t => SpikeTrainMetrics.Compute(truth.AsSpan(t * steps, window).ToArray(), predicted.AsSpan(t * steps, window).ToArray(), DtMs))];
}

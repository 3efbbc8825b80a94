using System.Globalization;
using System.Text;
using NeuronSurrogate.Data;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;
using static System.FormattableString;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// The out-of-distribution suite (<see cref="OodSuite"/>) on every shipped latent model, with the fused engine; writes
/// results/benchmarks/ood.md.
/// </summary>
internal static class OodBenchmark
{
    private sealed record Subject(string Model, INeuronModel Reference, string? Path = null);

    /// <summary>Runs the suite's test part on the shipped models into results/benchmarks/ood.md; with <paramref name="validation"/>, its validation part, on the HH models and the <paramref name="hhModels"/> (other HH latent models, e.g. training experiments) into ood_validation.md.</summary>
    public static void Run(string root, bool quick, bool validation = false, IReadOnlyList<string>? hhModels = null)
    {
        int traces = quick ? 2 : 6;
        var hh = new HodgkinHuxleyNeuron(new HodgkinHuxleySimulationOptions());
        var subjects = new List<Subject> { new("hh_latent", hh) };
        if (!validation)
        {
            subjects.Insert(0, new Subject("rs_latent", new IzhikevichNeuron(new IzhikevichSimulationOptions())));
        }
        subjects.AddRange((hhModels ?? []).Select(p => new Subject(Path.GetFileNameWithoutExtension(p), hh, p)));
        string? missing = null;
        try
        {
            if (!validation)
            {
                var pyramid = NeuronCellModel.Load(Path.Combine(root, "models", "cells", "pyramid.py"));
                subjects.Add(new Subject("pyramid_latent", pyramid));
                subjects.Add(new Subject("pyramid_latent_k5", pyramid));
            }
        }
        catch (SimulatorException e)
        {
            missing = e.Message;
        }
        long seed = validation ? OodSuite.ValidationSeed : OodSuite.Seed;
        var families = Enum.GetValues<OodFamily>();
        var report = new StringBuilder(validation ? "# Out-of-distribution suite, validation part\n\n" : "# Out-of-distribution suite\n\n");
        report.AppendLine(Invariant($"Measured {DateTime.UtcNow:yyyy-MM-dd} by `dotnet run -c Release --project src/Benchmarks -- ood{(quick ? " --quick" : "")}{(validation ? " --validation" : "")}{string.Concat((hhModels ?? []).Select(m => " --hh-model " + m))}`. Each shipped latent model runs closed loop (the fused engine, given only the currents) on {traces} traces of 1 s at {OodSuite.TimeStepMs} ms per family, seed {seed}{(validation ? " (the validation part, on which training choices are made)" : "")}; the families are ones the training generator never draws (sines 2–25 Hz, a chirp 0.5–50 Hz, OU noise with τ 50–150 ms, hyperpolarization then a step, hyperpolarizing pulses, staircases, ramps from negative currents, square waves), scaled by the largest current of the neuron's training data. Truth: the simulator that made the training data (HH and NEURON at dt 0.025 ms). Yardstick: that simulator at twice its step, scored against the truth the same way. Γ is the coincidence factor at ±2 ms, mean over traces. No training or model choice ever saw these traces. The `--neuron` jobs of the Train app report the same suite for the model they train."));
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
        var fluctuatingRows = new List<string>();
        var negativeRows = new List<string>();
        var coarseCache = new Dictionary<INeuronModel, INeuronModel?>();
        foreach (var subject in subjects)
        {
            using var model = SurrogateModel.Open(subject.Path ?? Path.Combine(root, "models", subject.Model + ".onnx"));
            if (!coarseCache.TryGetValue(subject.Reference, out var coarse))
            {
                coarse = coarseCache[subject.Reference] = OodSuite.Coarse(subject.Reference);
            }
            var result = OodSuite.Run(model, subject.Reference, coarse, traces, family => Console.WriteLine($"{subject.Model}, {family}: done"), seed);
            int whole = OodSuite.WindowsMs.Count - 1;
            report.AppendLine(Invariant($"| `{subject.Model}` | {string.Join(" | ", result.Families.Select(f => Number(f.Surrogate[whole].Gamma)))} | **{Number(result.Gamma[whole])}** |"));
            if (result.YardstickGamma is { } yardstick)
            {
                report.AppendLine(Invariant($"| yardstick: {Yardstick(coarse!)} | {string.Join(" | ", result.Families.Select(f => Number(f.Yardstick![whole].Gamma)))} | **{Number(yardstick[whole])}** |"));
            }
            var fluctuating = OodSuite.RunFluctuating(model, subject.Reference, coarse, traces, seed);
            Console.WriteLine($"{subject.Model}, fluctuating: done");
            fluctuatingRows.Add(Invariant($"| `{subject.Model}` | {string.Join(" | ", fluctuating.Surrogate.Select(m => Number(m.Gamma)))} | {(coarse is null ? "–" : Yardstick(coarse))} | {(fluctuating.Yardstick is { } fy ? string.Join(" / ", fy.Select(m => Number(m.Gamma))) : "–")} | {fluctuating.Surrogate[^1].TrueSpikes} / {fluctuating.Surrogate[^1].ModelSpikes} |"));
            if (!validation)
            {
                var negative = OodSuite.RunNegative(model, subject.Reference);
                negativeRows.Add(Invariant($"| `{subject.Model}` | {string.Join(" | ", negative.Select(n => $"{n.HeldTrue} / {n.HeldModel}; {n.ReleasedTrue} / {n.ReleasedModel}"))} | {negative.Count(n => n.WithinTolerance)}/{negative.Count} |"));
            }
            lengthRows.Add(Invariant($"| `{subject.Model}` | {string.Join(" | ", result.Gamma.Select(Number))} | {(coarse is null ? "– (the data is defined by Euler at 0.1 ms)" : Yardstick(coarse))} | {(result.YardstickGamma is { } y ? string.Join(" / ", y.Select(Number)) : "–")} |"));
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
        report.AppendLine(Invariant($"## Fluctuating currents ({traces} traces of 1 s per model)"));
        report.AppendLine();
        report.AppendLine("Shot noise of both signs on an offset (`OodStimulus.FillShotNoise`): excitatory and inhibitory Poisson pulse trains of 0.2–0.8 pulses per ms, each pulse a current decaying with τ 2–8 ms or 5–15 ms; mean 0.2–0.7 and standard deviation 0.25–0.45 × the neuron's largest training current, so the current dips below zero again and again. No training set draws shot noise (the stimulus library draws Ornstein–Uhlenbeck noise with overlapping time constants, τ 0.5–40 ms, but with Gaussian increments, not pulses). Γ over the first 250, 500 and 1000 ms, as above.");
        report.AppendLine();
        report.AppendLine("| model | 250 ms | 500 ms | 1000 ms | yardstick | yardstick 250 / 500 / 1000 ms | spikes over 1 s, truth / model |");
        report.AppendLine("|---|---:|---:|---:|---|---|---:|");
        foreach (var row in fluctuatingRows)
        {
            report.AppendLine(row);
        }
        report.AppendLine();
        if (negativeRows.Count > 0)
        {
            report.AppendLine("## The f–I curve below zero");
            report.AppendLine();
            report.AppendLine(Invariant($"At each level (× the neuron's largest training current: {string.Join("; ", subjects.GroupBy(s => s.Reference).Select(g => $"{g.Key.MixedMaxCurrent:G3} for {string.Join(" and ", g.Select(s => s.Model))}"))}), two traces of 1 s from rest: the current held for 1 s, and held for 500 ms then released to 0 (rebound and anode-break spikes come after the release). Each cell: spikes of the simulator / the model, held; then released. A level passes when both are within 2 spikes (2 spikes/s)."));
            report.AppendLine();
            report.AppendLine("| model | " + string.Join(" | ", OodSuite.NegativeLevels.Select(l => Invariant($"{l:G2}×"))) + " | levels within 2 spikes |");
            report.AppendLine("|---|" + string.Concat(OodSuite.NegativeLevels.Select(_ => "---|")) + "---:|");
            foreach (var row in negativeRows)
            {
                report.AppendLine(row);
            }
            report.AppendLine();
        }
        report.AppendLine(validation
            ? "The models other than `hh_latent` are training experiments (results/experiments.md), not shipped; `hh_latent` scores Γ 0.95 on its in-distribution test runs (100 ms, mixed stimuli)."
            : "For comparison, the in-distribution test runs (100 ms, the training generator's mixed stimuli) are in README's table of the latent models.");
        string target = Path.Combine(root, "results", "benchmarks", validation ? "ood_validation.md" : "ood.md");
        AtomicFile.WriteText(target, report.ToString());
        Console.WriteLine($"wrote {target}");
    }

    private static string Yardstick(INeuronModel coarse) => coarse switch
    {
        HodgkinHuxleyNeuron hh => Invariant($"managed HH, dt {hh.Options.SolverStepMs} ms"),
        NeuronCellModel cell => Invariant($"NEURON, dt {cell.SolverStepMs} ms"),
        _ => coarse.Name,
    };

    private static string Number(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using NeuronSurrogate.Data;
using NeuronSurrogate.Features;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.MLNet;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Torch;
using static System.FormattableString;
using static TorchSharp.torch;

namespace NeuronSurrogate.Train;

/// <summary>
/// Model variants compared on the validation runs of the default dataset, closed loop: the state-space MLP at other
/// widths and activations, and the voltage-lag (NARX) MLP of the data issue. Writes <c>results/experiments.md</c>.
/// Test runs are not touched here.
/// </summary>
internal sealed class ExperimentsRunner(TrainOptions options, Action<string> log)
{
    private sealed record Variant(string Name, string Description, MlpSettings Settings, FeatureSpec? Lags);

    public int Run()
    {
        var simulation = new IzhikevichSimulationOptions();
        var ml = new MLContext(options.Seed);
        string dataset = options.DatasetPath;
        if (!File.Exists(dataset))
        {
            throw InputException.About(dataset, "the default dataset: run `dotnet run --project src/Train -c Release` first, which generates it");
        }
        var (split, train, validation, _) = SplitTraces.Load(ml, dataset, options.Seed, withRecovery: true);
        if (train.Recovery is null)
        {
            throw InputException.InHeader(dataset, TraceColumns.Recovery, "a recovery column: the state-space variants train on it (the default dataset has one)");
        }
        var rule = SpikeResetRule.For(simulation.Parameters);
        var stateSpace = StateSpaceSpec.For(simulation, train.TimeStepMs);
        var baseSettings = new MlpSettings { Seed = options.Seed, Epochs = options.Epochs };
        Variant[] variants =
        [
            new("state-space 2×128 SiLU", "the shipped configuration: (v, u, I, v²) → (Δv, Δu)", baseSettings, null),
            new("state-space 2×32 SiLU", "a quarter of the width", baseSettings with { Hidden = [32, 32] }, null),
            new("state-space 2×128 tanh", "another smooth activation", baseSettings with { Activation = MlpActivation.Tanh }, null),
            new("state-space 2×128 ReLU", "a piecewise-linear activation", baseSettings with { Activation = MlpActivation.ReLU }, null),
            new("voltage-lag 8+8 lags 2×128 SiLU", "NARX: V(t−1..t−8), I(t−1..t−8) → V(t) − V(t−1), peak → reset rule", baseSettings,
                new FeatureSpec { VoltageLags = FeatureSpec.Range(8), CurrentLags = FeatureSpec.Range(8) }),
            new("voltage-lag 16+16 lags 2×128 SiLU", "NARX with twice the history", baseSettings,
                new FeatureSpec { VoltageLags = FeatureSpec.Range(16), CurrentLags = FeatureSpec.Range(16) }),
        ];
        var rows = new List<string>();
        var notes = new List<string>();
        var scores = new List<(bool StateSpace, double Gamma)>();
        foreach (var variant in variants)
        {
            var clock = Stopwatch.StartNew();
            var (history, score, trainingRows, diverged) = variant.Lags is null
                ? StateSpace(ml, variant.Settings, stateSpace, train, validation, Progress)
                : VoltageLag(ml, variant.Settings, variant.Lags.Validate(), rule, train, validation, Progress);
            void Progress(EpochReport r) => log(Invariant($"  {variant.Name} epoch {r.Epoch}: loss {r.TrainLoss:E2}, validation Γ {r.ValidationGamma:F4}, subthreshold RMSE {r.ValidationRmseSubthresholdMv:F3} mV{(r.Best ? " (best)" : "")}"));
            var best = history.Last(h => h.Best);
            log(Invariant($"{variant.Name}: validation closed loop Γ {score.Gamma:F4}, F1 {score.SpikeF1:F4}, subthreshold RMSE {score.RmseSubthresholdMv:F3} mV ({clock.Elapsed.TotalSeconds:F0} s)"));
            scores.Add((variant.Lags is null, score.Gamma));
            if (diverged > 0)
            {
                notes.Add(Invariant($"{variant.Name}: {diverged} of {validation.TraceCount} validation traces diverged when run free (precision {score.SpikePrecision:F2}, recall {score.SpikeRecall:F2}: the spikes it did draw were right, the rest never came)."));
            }
            rows.Add(Invariant($"| {variant.Name} | {variant.Description} | {trainingRows:N0} | {history.Count} | {best.Epoch} | {score.Gamma:F4} | {score.SpikeF1:F4} | {score.SpikePrecision:F3} / {score.SpikeRecall:F3} | {Finite(score.RmseSubthresholdMv, "F3")} | {Finite(score.RmseMv, "F2")} | {diverged} of {validation.TraceCount} | {history.Sum(h => h.Seconds):F0} |"));
        }
        var text = new StringBuilder();
        text.AppendLine("# Experiments: MLP variants, closed loop on the validation runs");
        text.AppendLine();
        text.AppendLine(Invariant($"Produced by `dotnet run --project src/Train -c Release -- --experiments` on {DateTime.UtcNow:yyyy-MM-dd} ({Environment.ProcessorCount} cores). Default dataset, split by run with seed {split.Seed}: trained on the {split.Train.Count} training runs, scored on the {split.Validation.Count} validation runs ({validation.TraceCount} traces), closed loop (given only the currents). The test runs are not used here; these numbers chose the shipped configuration. Every variant: Adam, cosine learning rate from 2e-3, batch 512, at most {options.Epochs} epochs, early stopping after 4 epochs without a better validation Γ, seed {options.Seed}; the epoch kept is the best by closed-loop Γ, then subthreshold RMSE."));
        text.AppendLine();
        text.AppendLine("| variant | what | training rows | epochs run | epoch kept | Γ | F1 | precision / recall | subthreshold RMSE (mV) | RMSE (mV) | diverged traces | training s |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        rows.ForEach(r => text.AppendLine(r));
        text.AppendLine();
        text.AppendLine("A trace diverges when its closed-loop prediction leaves ±1000 mV (or turns NaN); it is stopped there, and its RMSE is left out of the mean (\"–\" when every trace diverged). Γ and F1 count the spikes before the divergence.");
        text.AppendLine();
        text.AppendLine("Reading: the state-space formulation has the recovery variable u in its state and, with v² given, one Euler step is linear in its features; the voltage-lag (NARX) models must infer u from the voltage history." +
            Invariant($" Here the state-space variants reach validation Γ {GammaRange(true)}, the voltage-lag ones {GammaRange(false)}."));
        foreach (var note in notes)
        {
            text.AppendLine();
            text.AppendLine(note);
        }
        string path = Path.Combine(options.ResultsFolder, "experiments.md");
        string GammaRange(bool stateSpace)
        {
            var gammas = scores.Where(s => s.StateSpace == stateSpace).Select(s => s.Gamma).ToArray();
            return gammas.Length == 0 ? "–" : gammas.Min() == gammas.Max() ? Invariant($"{gammas.Min():F4}") : Invariant($"{gammas.Min():F4} to {gammas.Max():F4}");
        }
        TrainFiles.WriteText(path, text.ToString());
        log($"wrote {path}");
        return 0;
    }

    private static string Finite(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static (IReadOnlyList<EpochReport>, MetricSummary, int, int) StateSpace(MLContext ml, MlpSettings settings, StateSpaceSpec spec,
        TraceSet train, TraceSet validation, Action<EpochReport> progress)
    {
        var (model, history, rows) = StateSpaceStage.Fit(ml, spec, settings, train, validation, stride: 1, _ => { }, progress);
        using (model)
        {
            var (score, diverged) = StateSpaceStage.ClosedLoop(model, spec, validation);
            return (history, score, rows, diverged);
        }
    }

    private static (IReadOnlyList<EpochReport>, MetricSummary, int, int) VoltageLag(MLContext ml, MlpSettings settings, FeatureSpec spec, SpikeResetRule rule,
        TraceSet train, TraceSet validation, Action<EpochReport> progress)
    {
        var (model, history, rows) = VoltageLagTrainer.Train(ml, settings, spec, rule, train, validation, progress);
        using (model)
        {
            var (predictions, diverged) = VoltageLagTrainer.ClosedLoop(model, spec, rule, validation);
            return (history, Evaluation.Summarize(validation, predictions), rows, diverged);
        }
    }
}

using System.Globalization;
using System.Text;
using static System.FormattableString;

namespace NeuronSurrogate.Train;

/// <summary>
/// Renders the main job's <see cref="TrainResult"/> as results/report.md. Every sentence that compares two numbers is
/// computed from them; what the data cannot say is left out.
/// </summary>
internal static class TrainReport
{
    /// <summary>What the prototype this project grew from reported once the target no longer leaked into its features: RMSE in mV, spike F1.</summary>
    private const double PrototypeRmseMv = 9.6, PrototypeF1 = 0.0;

    public static string Render(TrainResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var text = new StringBuilder();
        Header(text, r);
        ReportTables.Models(text, r.Models.OrderBy(m => Order(m.Name)));
        text.AppendLine("Γ is the coincidence factor (Kistler et al. 1997, Δ = 2 ms; 1 is perfect timing, 0 is chance); precision, recall and F1 match spikes one to one within ±2 ms; spikes are upward 0 mV crossings of each trace; subthreshold RMSE leaves out samples within 2 ms of a true spike; the rate error is pooled over traces.");
        text.AppendLine("Baselines: `constant_rest` is a flat −65 mV; `train_mean` the training runs' mean voltage; `input_blind` one noise-free simulation at the training runs' mean current, copied to every trace (a model that does not clearly beat it has not learned the input). Their two modes coincide: they never see their own output.");
        text.AppendLine();
        if (r.StateSpace is { } stateSpace)
        {
            StateSpaceSection(text, r, stateSpace);
        }
        if (r.Latent is { } latent)
        {
            LatentSection(text, r, latent);
        }
        if (r.FastTree is { } fastTree)
        {
            FastTreeSection(text, r, fastTree);
        }
        if (r.Generalization.Count > 0)
        {
            GeneralizationSection(text, r.Generalization);
        }
        ReportTables.PlotsAndTimings(text, r.Plots, r.Timings);
        return text.ToString();
    }

    private static void Header(StringBuilder text, TrainResult r)
    {
        bool isDefault = r.Options.Regime == TrainRegime.Default;
        string regime = isDefault
            ? "300 runs × 5 RS neurons × 1000 steps of 0.1 ms, i.i.d. Gaussian current mean 10, s.d. 5, seed 42: the prototype's dataset"
            : "300 runs × 5 RS neurons × 1000 steps of 0.1 ms, mixed stimuli (Ornstein–Uhlenbeck, steps, ramps, Gaussian, pulses; currents 0–25), seed 42";
        string command = isDefault ? "dotnet run --project src/Train -c Release" : "dotnet run --project src/Train -c Release -- --regime mixed";
        text.AppendLine(isDefault ? "# NeuronSurrogate — report" : "# NeuronSurrogate — report, general model (mixed stimuli)");
        text.AppendLine();
        text.AppendLine(Invariant($"Produced by `{command}` on {DateTime.UtcNow:yyyy-MM-dd} in {r.Seconds:F0} s on {Environment.ProcessorCount} cores. Dataset `{r.Dataset}` ({regime})."));
        text.AppendLine(Invariant($"Split by run (ML.NET `TrainTestSplit` on the run column, seed {r.Split.Seed}): {r.Split.Train.Count} train, {r.Split.Validation.Count} validation, {r.Split.Test.Count} test runs (`split.json`). Every number in the tables below is on the **test runs**, which were used for nothing else; settings and epochs were chosen on the validation runs."));
        text.AppendLine();
        text.AppendLine("**Closed loop** is the headline: a model is given only the currents and feeds its own predictions back, as it would when it replaces the simulator. **Teacher-forced** numbers (fed the true past state, one step ahead) are a diagnostic.");
        text.AppendLine();
        if (r.Plots.Count > 0)
        {
            text.AppendLine($"![A held-out test trace: simulator and closed-loop surrogates]({r.Plots[0]})");
            text.AppendLine();
        }
    }

    private static void StateSpaceSection(StringBuilder text, TrainResult r, StateSpaceOutcome s)
    {
        var m = s.Result.ClosedLoop;
        text.AppendLine("## The MLP surrogate (state space)");
        text.AppendLine();
        text.AppendLine(Invariant($"An MLP ({string.Join(" × ", r.Options.Hidden)}, SiLU) maps the standardized state (v, u, I, v²) of a step to the increments (Δv, Δu) to the next; spikes come from the peak → reset rule (record 30 mV, v ← c, u ← u + d), which is part of the model, its card and its rollout graph. It trains on the recorded recovery variable u (the dataset's `recovery` column) with Adam, a cosine learning-rate schedule and early stopping; the epoch kept is the one with the best closed-loop Γ (then subthreshold RMSE) on the validation runs."));
        text.AppendLine();
        text.AppendLine("| epoch | training loss (one step, standardized) | validation Γ (closed loop) | validation subthreshold RMSE (mV) | learning rate | seconds | kept |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|:---:|");
        int kept = s.History.Where(h => h.Best).Select(h => h.Epoch).DefaultIfEmpty(0).Max();
        foreach (var h in s.History)
        {
            text.AppendLine(Invariant($"| {h.Epoch} | {h.TrainLoss:E2} | {h.ValidationGamma:F4} | {h.ValidationRmseSubthresholdMv:F3} | {h.LearningRate:E2} | {h.Seconds:F1} | {(h.Epoch == kept ? "✓" : "")} |"));
        }
        text.AppendLine();
        string name = r.Options.ModelName;
        text.AppendLine(Invariant($"Exported from the trained weights as `models/{name}.onnx` (one step: state → increment) and `models/{name}_rollout.onnx` (the whole closed loop as one `Scan`: currents [N, T] → voltages [N, T]), card `models/{name}.json`. The test numbers were computed by running the exported one-step graph with ONNX Runtime; the rollout graph gives the same spike times as that C#-driven loop on {s.RolloutSame} of {s.RolloutTraces} test traces. The graphs carry the standardization folded into the first and last layer; one step of the graph and of the trained TorchSharp module differ by at most {s.Parity:E1} (relative, on the test traces' states)."));
        text.AppendLine();
        text.AppendLine(Invariant($"With v² given as a feature, one forward-Euler step of the Izhikevich model is *linear* in (v, u, I, v²), so a small MLP can represent the simulator's own update; the hidden variable u, which voltage-lag models must infer from the voltage history, is part of the state. Closed loop on the test runs: Γ = {m.Gamma:F3}, F1 = {m.SpikeF1:F3} (precision {m.SpikePrecision:F3}, recall {m.SpikeRecall:F3}), subthreshold RMSE {m.RmseSubthresholdMv:F2} mV, full-trace RMSE {m.RmseMv:F2} mV."));
        text.AppendLine();
    }

    private static void LatentSection(StringBuilder text, TrainResult r, MainLatentOutcome latent)
    {
        var card = latent.Card;
        var spec = card.Latent;
        var e = latent.Evaluation;
        var m = e.Result.ClosedLoop;
        text.AppendLine("## The latent surrogate (current and voltage only)");
        text.AppendLine();
        string rule = card.Rule is { } reset ? Invariant($"the {reset.PeakMv} → {reset.ResetMv} mV reset is the rule the training traces show, estimated from them") : "the training traces show no reset rule, so none is applied";
        text.AppendLine(Invariant($"Given no recovery variable and no v², only the current and its own voltage: {spec.VoltageMemory} leaky traces of its voltage and {spec.SpikeMemory} leaky counts of its spikes (time constants learned, now {string.Join(", ", spec.VoltageTimeConstantsMs.Select(t => t.ToString("G3", CultureInfo.InvariantCulture)))} ms for the voltage) feed an MLP ({string.Join(" × ", card.Hidden)}, SiLU) that predicts the next voltage; {rule}. Trained by masked multiple shooting ({latent.Validations} validations, the best kept; `models/{MainLatentStage.Name}.json` has the settings and history); {card.FlopPerStep:N0} FLOP per step."));
        text.AppendLine();
        text.AppendLine(Invariant($"Closed loop on the test runs: Γ = {m.Gamma:F3}, F1 = {m.SpikeF1:F3}, subthreshold RMSE {m.RmseSubthresholdMv:F2} mV. Exported as `models/{MainLatentStage.Name}.onnx` and `models/{MainLatentStage.Name}_rollout.onnx`; the test numbers ran the one-step graph's weights in the fused CPU engine; ONNX Runtime's rollout graph gives the same spike times on {e.RolloutSame} of {e.RolloutTraces} test traces; the TorchSharp module and the graph differ by at most {e.Parity:E1} under ONNX Runtime and {e.FusedParity:E1} in the fused engine, on test states."));
        var comparisons = new List<string>();
        if (r.Model("input_blind") is { } blind)
        {
            comparisons.Add(Compare(m.Gamma, blind.ClosedLoop.Gamma, "the input-blind baseline's"));
        }
        if (r.Model("mlp") is { } mlp)
        {
            comparisons.Add(Compare(m.Gamma, mlp.ClosedLoop.Gamma, "the state-space MLP's") + " (the MLP is handed u and v²)");
        }
        if (comparisons.Count > 0)
        {
            text.AppendLine();
            text.AppendLine($"Its closed-loop Γ is {string.Join("; it is ", comparisons)}.");
        }
        var ood = latent.OutOfDistribution;
        text.AppendLine();
        text.AppendLine(Invariant($"Out of distribution ({ood.TracesPerFamily} traces of 1 s for each of {ood.Families.Count} current families its training never drew: sines, a chirp, slow noise, hyperpolarizing shapes, staircases, ramps from negative currents, square waves; seed {Inference.OodSuite.Seed}): closed-loop Γ {ood.Gamma[^1]:F3} over the whole second, {ood.Gamma[0]:F3} over its first 250 ms ({string.Join(", ", ood.Families.Select(f => Invariant($"{f.Family} {f.Surrogate[^1].Gamma:F2}")))})."));
        text.AppendLine();
    }

    private static void FastTreeSection(StringBuilder text, TrainResult r, FastTreeOutcome fastTree)
    {
        text.AppendLine("## FastTree baseline (voltage lags)");
        text.AppendLine();
        text.AppendLine(Invariant($"Features ({r.Features.Count}): {string.Join(", ", r.Features.Names)}; target: the increment V(t) − V(t−1); steps after a recorded peak are left to the peak → reset rule. Settings chosen on the validation runs by closed-loop Γ:"));
        text.AppendLine();
        text.AppendLine("| settings | validation Γ (closed loop) | validation subthreshold RMSE (mV) |");
        text.AppendLine("|---|---:|---:|");
        foreach (var c in fastTree.Candidates)
        {
            text.AppendLine(Invariant($"| {c.Settings} | {c.Validation.Gamma:F3} | {c.Validation.RmseSubthresholdMv:F2} |"));
        }
        text.AppendLine();
        var closed = fastTree.Result.ClosedLoop;
        var forced = fastTree.Result.TeacherForced;
        var sentence = new StringBuilder(Invariant($"Exported with ML.NET's ONNX converter as `models/fasttree.onnx` (card: `models/fasttree.json`); the test numbers were computed by running that ONNX file with ONNX Runtime. Teacher-forced Γ {forced.Gamma:F3}; closed-loop Γ {closed.Gamma:F3}, F1 {closed.SpikeF1:F3}, RMSE {closed.RmseMv:F2} mV."));
        if (forced.Gamma - closed.Gamma > 0.05)
        {
            sentence.Append(" Run free it drifts: trees predict piecewise-constant increments and cannot extrapolate, so small one-step errors compound, and the recovery variable u is visible to a voltage-lag model only through the voltage history.");
        }
        if (r.Model("input_blind") is { } blind)
        {
            sentence.Append($" Its closed-loop Γ is {Compare(closed.Gamma, blind.ClosedLoop.Gamma, "the input-blind baseline's")}.");
        }
        sentence.Append(Invariant($" The leak-free prototype reported RMSE {PrototypeRmseMv} mV and spike F1 {PrototypeF1:F2}: this RMSE is {(closed.RmseMv < PrototypeRmseMv ? "lower" : "not lower")}, this F1 {(closed.SpikeF1 > PrototypeF1 ? "higher" : "not higher")}."));
        text.AppendLine(sentence.ToString());
        text.AppendLine();
    }

    private static void GeneralizationSection(StringBuilder text, IReadOnlyDictionary<string, GeneralizationResult> generalization)
    {
        text.AppendLine("## Generalization (closed loop, shipped ONNX models)");
        text.AppendLine();
        text.AppendLine(Invariant($"Each shipped RS model (state-space: `surrogate`, `surrogate_mixed`; latent, current and voltage only: `latent`, `rs_latent`) on four suites: the default dataset's test runs; a held-out mixed-stimulus set (40 runs × 5 traces × 100 ms, seed {GeneralizationSuites.MixedHeldOutSeed}, used for nothing else); and the RS f–I curve (constant current 0, 1, …, 25 for 1 s each; a level passes when the spike count is within one spike or 5 %); then the out-of-distribution suite's test part ({generalization.Values.First().OutOfDistribution.TracesPerFamily} traces of 1 s per family its training never drew, seed {Inference.OodSuite.Seed}; the RS data is defined by Euler at 0.1 ms, so there is no simulator-at-twice-its-step yardstick)."));
        text.AppendLine();
        text.AppendLine("| model | default test Γ | default test F1 | default test subthr. RMSE (mV) | mixed held-out Γ | mixed held-out F1 | mixed held-out subthr. RMSE (mV) | f–I levels passing | f–I max error (spikes) | out-of-distribution Γ (1 s) | first 250 ms |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, g) in generalization)
        {
            text.AppendLine(Invariant($"| {name} | {g.DefaultTest.Gamma:F3} | {g.DefaultTest.SpikeF1:F3} | {g.DefaultTest.RmseSubthresholdMv:F2} | {g.MixedHeldOut.Gamma:F3} | {g.MixedHeldOut.SpikeF1:F3} | {g.MixedHeldOut.RmseSubthresholdMv:F2} | {g.FiCurve.Count(p => p.WithinTolerance)}/{g.FiCurve.Count} | {g.FiCurve.Max(p => p.Error)} | {g.OutOfDistribution.Gamma[^1]:F3} | {g.OutOfDistribution.Gamma[0]:F3} |"));
        }
        text.AppendLine();
        var families = generalization.Values.First().OutOfDistribution.FamiliesGamma.Keys.ToArray();
        text.AppendLine("Out-of-distribution Γ per family (1 s):");
        text.AppendLine();
        text.AppendLine("| model | " + string.Join(" | ", families) + " |");
        text.AppendLine("|---|" + string.Concat(families.Select(_ => "---:|")));
        foreach (var (name, g) in generalization)
        {
            text.AppendLine($"| {name} | " + string.Join(" | ", families.Select(f => Invariant($"{g.OutOfDistribution.FamiliesGamma[f]:F3}"))) + " |");
        }
        text.AppendLine();
        text.AppendLine("f–I curve, spikes in 1 s:");
        text.AppendLine();
        text.AppendLine("| current | simulator | " + string.Join(" | ", generalization.Keys) + " |");
        text.AppendLine("|---:|---:|" + string.Concat(generalization.Keys.Select(_ => "---:|")));
        var first = generalization.Values.First().FiCurve;
        for (int level = 0; level < first.Count; level++)
        {
            text.AppendLine(Invariant($"| {first[level].Current} | {first[level].TrueSpikes} | ") + string.Join(" | ", generalization.Values.Select(g => g.FiCurve[level].ModelSpikes.ToString(CultureInfo.InvariantCulture))) + " |");
        }
        text.AppendLine();
    }

    /// <summary>"higher than X (0.912) by 0.012", "lower than …" or "equal to … to three decimals", for a Γ against another's.</summary>
    private static string Compare(double value, double other, string whose)
    {
        double difference = Math.Round(value - other, 3);
        return difference == 0
            ? Invariant($"equal to {whose} ({other:F3}) to three decimals")
            : Invariant($"{(difference > 0 ? "higher" : "lower")} than {whose} ({other:F3}) by {Math.Abs(difference):F3}");
    }

    private static int Order(string name) => name switch { "mlp" => 0, "latent" => 1, "fasttree" => 2, "input_blind" => 3, "train_mean" => 4, _ => 5 };
}

using NeuronSurrogate.Inference;
using System.Globalization;
using System.Text;
using NeuronSurrogate.Metrics;
using static System.FormattableString;

namespace NeuronSurrogate.Train;

/// <summary>Renders a latent job's result as results/NAME/report.md. Every comparison it states is computed from the numbers.</summary>
internal static class LatentReport
{
    public static string Render(LatentJobResult r)
    {
        var text = new StringBuilder();
        var o = r.Options;
        var spec = r.Spec;
        var card = r.Outcome.Card;
        var shipped = r.Outcome.Shipped;
        var closed = r.Evaluation.Result.ClosedLoop;
        text.AppendLine(Invariant($"# NeuronSurrogate — latent surrogate `{o.ModelName}`"));
        text.AppendLine();
        text.AppendLine(Invariant($"Produced by `{o.Command}` on {DateTime.UtcNow:yyyy-MM-dd} in {r.Seconds:F0} s on {Environment.ProcessorCount} cores. Dataset `{r.Dataset}`: {card.Source.Description}; stimuli: {card.Source.Stimulus}."));
        text.AppendLine(Invariant($"Split by run (ML.NET `TrainTestSplit` on the run column, seed {r.Split.Seed}): {r.Split.Train.Count} train, {r.Split.Validation.Count} validation, {r.Split.Test.Count} test runs (`split.json`). Every number below is on the **{r.Test.TraceCount} test traces** ({r.Test.Steps} steps of {r.Test.TimeStepMs} ms), used for nothing else; the weights and the seed were chosen by closed-loop Γ on the validation runs."));
        text.AppendLine();
        text.AppendLine(Invariant($"The surrogate reads only the injected current{(spec.InputCount > 1 ? "s" : "")} ({string.Join(", ", spec.Inputs.Select(i => $"`{i.Column}`, {i.Unit}"))}) and its own previous outputs: a bank of {spec.VoltageMemory} leaky traces of its voltage and {spec.SpikeMemory} leaky counts of its spikes (time constants learned) feeds an MLP ({string.Join(" × ", card.Hidden)}, SiLU) that returns the next {spec.StepFactor} voltage(s) and a spike probability. State: {spec.StateSize} floats per trace; {card.FlopPerStep:N0} FLOP per step of {spec.SurrogateTimeStepMs} ms. Structural rule: {(spec.Rule is null ? "none (the training traces show no fixed peak followed by a fixed reset)" : Invariant($"a recorded {spec.Rule.PeakMv} mV peak is followed by {spec.Rule.ResetMv} mV, as every peak in the training traces is"))}."));
        text.AppendLine();
        if (r.Plots.Count > 0)
        {
            text.AppendLine($"![A held-out test trace: simulator and closed-loop surrogate]({r.Plots[0]})");
            text.AppendLine();
        }
        ReportTables.Models(text, new[] { (o.ModelName, r.Evaluation.Result) }.Concat(r.Baselines.Select(b => (b.Key, b.Value))));
        if (r.Baselines.TryGetValue("input_blind", out var blind))
        {
            double margin = closed.Gamma - blind.ClosedLoop.Gamma;
            text.AppendLine(Invariant($"Closed-loop Γ is {closed.Gamma:F3} against {blind.ClosedLoop.Gamma:F3} for the input-blind baseline (one noise-free simulation at the training runs' mean current, copied to every trace): {(margin > 0 ? "higher" : "not higher")} by {Math.Abs(margin):F3}."));
            text.AppendLine();
        }
        text.AppendLine("Γ is the coincidence factor (Kistler et al. 1997, Δ = 2 ms; 1 is perfect timing, 0 is chance); spikes are upward 0 mV crossings; subthreshold RMSE leaves out samples within 2 ms of a true spike; a trace where neither fires counts Γ = 1.");
        text.AppendLine();

        if (r.Library is { } library && shipped.LibraryTest is { } libraryTest)
        {
            text.AppendLine(Invariant($"**The stimulus library's test runs** (`{library.Dataset}`, {library.Test.TraceCount} traces × {library.Test.Steps * library.Test.TimeStepMs:G4} ms, split by run with the same seed: `library_split.json`; this job also trained on the library's training runs and chose its checkpoints on the mean Γ of both validation parts): closed-loop Γ {libraryTest.Gamma:F3}, F1 {libraryTest.SpikeF1:F3}, subthreshold RMSE {libraryTest.RmseSubthresholdMv:F2} mV."));
            text.AppendLine();
        }

        text.AppendLine("## Seeds");
        text.AppendLine();
        bool combined = r.Outcome.Evaluations.Any(e => e.LibraryTest is not null);
        text.AppendLine($"| seed | validation Γ (kept weights{(combined ? "; mean of both parts" : "")}) | test Γ | test F1 | test subthreshold RMSE (mV) |{(combined ? " library test Γ |" : "")} training s | shipped |");
        text.AppendLine($"|---:|---:|---:|---:|---:|{(combined ? "---:|" : "")}---:|:---:|");
        foreach (var e in r.Outcome.Evaluations)
        {
            var m = e.Evaluation.Result.ClosedLoop;
            string libraryColumn = combined ? Invariant($" {e.LibraryTest?.Gamma:F3} |") : "";
            text.AppendLine(Invariant($"| {e.Seed.Settings.Seed} | {e.Seed.Best.ValidationGamma:F4} | {m.Gamma:F3} | {m.SpikeF1:F3} | {m.RmseSubthresholdMv:F2} |{libraryColumn} {e.Seed.Trained.Seconds:F0} | {(e.Shipped ? "✓" : "")} |"));
        }
        if (r.Outcome.Evaluations.Count > 1)
        {
            var gammas = r.Outcome.Evaluations.Select(e => e.Evaluation.Result.ClosedLoop.Gamma).ToArray();
            text.AppendLine();
            text.AppendLine(Invariant($"Seed-to-seed spread of test Γ: {gammas.Min():F3}–{gammas.Max():F3} (range {gammas.Max() - gammas.Min():F3}). The shipped seed is the one with the best validation Γ."));
        }
        text.AppendLine();

        if (r.Suites.FiCurve is { } fi)
        {
            text.AppendLine("## f–I curve (closed loop, 1 s of constant current per level)");
            text.AppendLine();
            text.AppendLine(Invariant($"{fi.Count(p => p.WithinTolerance)} of {fi.Count} levels within 2 spikes per second; largest error {fi.Max(p => p.Error)} spikes per second."));
            text.AppendLine();
            text.AppendLine($"| current ({spec.Inputs[0].Unit}) | simulator | {o.ModelName} | error |");
            text.AppendLine("|---:|---:|---:|---:|");
            foreach (var p in fi)
            {
                text.AppendLine(Invariant($"| {p.Current:G4} | {p.TrueSpikes} | {p.ModelSpikes} | {p.Error} |"));
            }
            text.AppendLine();
        }
        if (r.Suites.OutOfDistribution is { } ood)
        {
            int whole = OodSuite.WindowsMs.Count - 1;
            text.AppendLine("## Out of distribution (1 s traces of currents the training generator never drew)");
            text.AppendLine();
            text.AppendLine(Invariant($"{ood.TracesPerFamily} traces of 1 s per family (seed {OodSuite.Seed}, `OodStimulus`), closed loop against the simulator; beside it, the simulator at twice its step scored the same way: what a surrogate should reach. Γ over the whole second, and over its first 250 and 500 ms."));
            text.AppendLine();
            text.AppendLine($"| family | {o.ModelName} Γ | first 250 ms | first 500 ms | simulator at 2× its step |");
            text.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var f in ood.Families)
            {
                text.AppendLine(Invariant($"| {f.Family} | {f.Surrogate[whole].Gamma:F3} | {f.Surrogate[0].Gamma:F3} | {f.Surrogate[1].Gamma:F3} | {(f.Yardstick is null ? "–" : f.Yardstick[whole].Gamma.ToString("F3", System.Globalization.CultureInfo.InvariantCulture))} |"));
            }
            text.AppendLine(Invariant($"| **all** | **{ood.Gamma[whole]:F3}** | {ood.Gamma[0]:F3} | {ood.Gamma[1]:F3} | {(ood.YardstickGamma is { } y ? y[whole].ToString("F3", System.Globalization.CultureInfo.InvariantCulture) : "–")} |"));
            text.AppendLine();
            if (r.Suites.OutOfDistributionValidation is { } validation)
            {
                text.AppendLine(Invariant($"The suite's validation part (the same families, seed {OodSuite.ValidationSeed}; training choices are made on it, never on the part above): Γ {validation.Gamma[whole]:F3} over 1 s, {validation.Gamma[0]:F3} over the first 250 ms."));
                text.AppendLine();
            }
        }
        if (r.Suites.MixedHeldOut is { } heldOut)
        {
            text.AppendLine(Invariant($"**Held-out mixed set** (40 runs × 5 traces × 100 ms, seed {GeneralizationSuites.MixedHeldOutSeed}, generated apart from the training data): closed-loop Γ {heldOut.Gamma:F3}, F1 {heldOut.SpikeF1:F3}, subthreshold RMSE {heldOut.RmseSubthresholdMv:F2} mV."));
            text.AppendLine();
        }

        text.AppendLine("## Training");
        text.AppendLine();
        var settings = shipped.Seed.Settings;
        text.AppendLine(Invariant($"{settings}. Masked multiple shooting: every iteration draws {settings.BatchSize} windows, each starting from the teacher-forced state at a random time of a training trace, runs the network free over them and backpropagates the voltage error up to the mask, plus the spike head's cross-entropy (weight {settings.SpikeLossWeight}). Closed-loop Γ on the validation runs every {settings.EvaluateEvery} iterations chose the weights. Shipped seed: {settings.Seed}, {shipped.Seed.Trained.Seconds:F0} s of training on one thread."));
        text.AppendLine();
        text.AppendLine("| iteration | training loss | longest window (steps) | validation Γ | validation F1 | validation subthreshold RMSE (mV) | learning rate | seconds | kept |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|:---:|");
        int kept = shipped.Seed.Best.Iteration;
        foreach (var h in shipped.Seed.Trained.History)
        {
            text.AppendLine(Invariant($"| {h.Iteration} | {h.TrainLoss:E2} | {h.LongestWindowSteps} | {h.ValidationGamma:F4} | {h.ValidationF1:F4} | {h.ValidationRmseSubthresholdMv:F2} | {h.LearningRate:E1} | {h.Seconds:F0} | {(h.Iteration == kept ? "✓" : "")} |"));
        }
        text.AppendLine();

        text.AppendLine("## Export");
        text.AppendLine();
        text.AppendLine(Invariant($"`models/{o.ModelName}.onnx` (one step: currents [N, {spec.CurrentsPerStep}] and state [N, {spec.StateSize}] → voltages [N, {spec.StepFactor}], spike_probability [N, 1], next_state [N, {spec.StateSize}]), `models/{o.ModelName}_rollout.onnx` (the closed loop as one `Scan`), card `models/{o.ModelName}.json`. The test numbers above ran the exported one-step graph's weights in the fused CPU engine (the default engine of `predict`); ONNX Runtime's rollout graph gives the same spike times as that loop on {r.Evaluation.RolloutSame} of {r.Evaluation.RolloutTraces} test traces; one step of the trained TorchSharp module and of the graph differs by at most {r.Evaluation.Parity:E1} under ONNX Runtime and {r.Evaluation.FusedParity:E1} in the fused engine (|difference| / max(1, |value|), on states visited in closed loop on test traces). Diverged test traces: {r.Evaluation.Diverged}."));
        text.AppendLine();
        ReportTables.PlotsAndTimings(text, r.Plots, r.Timings);
        return text.ToString();
    }
}

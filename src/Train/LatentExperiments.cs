using System.Diagnostics;
using System.Text;
using Microsoft.ML;
using NeuronSurrogate.Data;
using NeuronSurrogate.Features;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Torch;
using static System.FormattableString;

namespace NeuronSurrogate.Train;

/// <summary>
/// Latent-surrogate variants compared on one dataset's validation runs, closed loop, with the same training budget:
/// the shipped recipe, ablations of each of its parts, a wider MLP, coarser steps, and the voltage-lag MLP for
/// reference. Writes <c>results/experiments/latent_NAME.md</c>. The test runs are not touched.
/// </summary>
internal sealed class LatentExperiments(TrainOptions options, Action<string> log)
{
    private sealed record Variant(string Name, string What, LatentSettings? Settings);

    public int Run()
    {
        var total = Stopwatch.StartNew();
        string dataset = options.DatasetPath;
        if (!File.Exists(dataset))
        {
            throw InputException.About(dataset, $"an existing dataset (run the latent job first, which generates it: `dotnet run --project src/Train -c Release -- {(options.Neuron is null ? "--data FILE" : $"--neuron {options.Neuron.Key}")}`)");
        }
        var ml = new MLContext(options.Seed);
        var (split, train, validation, _) = SplitTraces.Load(ml, dataset, options.Seed, withRecovery: false);
        var s = options.LatentSeed(options.Seed);
        Variant[] variants =
        [
            new("bank 8+8, MLP 64×64", "the shipped recipe: leaky memory of V and of spikes, masked multiple shooting, spike head, 0.3 mV noise", s),
            new("no spike memory", "the same without the 8 leaky spike counts", s with { SpikeMemory = 0 }),
            new("no spike head", "the same without the spike head's cross-entropy", s with { SpikeLossWeight = 0 }),
            new("no noise", "teacher-forced starts from the exact voltages", s with { TeacherNoiseMv = 0 }),
            new("no mask", "plain squared error over the whole free-running window", s with { Mask = LatentMask.None }),
            new("teacher forcing only", "windows of one step: the network never runs free in training", s with { MinWindowSteps = 1, MaxWindowSteps = 1 }),
            new("MLP 128×128", "twice the width", s with { Hidden = [128, 128] }),
            new("no mask overrun", "where the traces part ways the error stops at once, not 0.5 ms later (matters where spikes are matched: no structural rule)", s with { MaskOverrunSteps = 0 }),
            new("windows to 80 ms", "free-running windows up to 800 steps", s with { MaxWindowSteps = 800 }),
            new("batch 512", "twice the windows per iteration", s with { BatchSize = 512 }),
            new("k = 2", "one step per 2 data steps (0.2 ms)", s with { StepFactor = 2 }),
            new("k = 5", "one step per 5 data steps (0.5 ms)", s with { StepFactor = 5 }),
            new("k = 10", "one step per 10 data steps (1 ms)", s with { StepFactor = 10 }),
            new("voltage-lag MLP 16+16", "NARX on V(t−1..t−16), I(t−1..t−16), 2×128 SiLU, trained one step ahead (the voltage-lag model of the first stage)", null),
        ];
        if (options.Variants is { Count: > 0 } only)
        {
            variants = [.. variants.Where((_, i) => only.Contains(i + 1))];
        }
        var rows = new string[variants.Length];
        var networks = variants.Select(v => v.Settings is null ? null : LatentTrainer.Create(LatentStage.FitSpec(ml, train, "units", v.Settings), v.Settings)).ToArray();
        try
        {
            // One variant at a time: two training threads in one process are not safe with TorchSharp (see LatentJob.TrainSeeds).
            for (int i = 0; i < variants.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                var variant = variants[i];
                MetricSummary score;
                string flop;
                if (networks[i] is { } network)
                {
                    var history = LatentTrainer.Fit(network, train, validation, r => log(Invariant($"  {variant.Name} iteration {r.Iteration}: validation Γ {r.ValidationGamma:F4}{(r.Best ? " (best)" : "")}")));
                    score = LatentTrainer.ScoreClosedLoop(network, validation);
                    flop = Invariant($"{network.FlopPerStep() / network.Spec.SurrogateTimeStepMs:N0}");
                }
                else
                {
                    (score, flop) = VoltageLag(ml, train, validation);
                }
                log(Invariant($"{variant.Name}: validation closed loop Γ {score.Gamma:F4}, F1 {score.SpikeF1:F4}, subthreshold RMSE {score.RmseSubthresholdMv:F2} mV ({clock.Elapsed.TotalSeconds:F0} s)"));
                rows[i] = Invariant($"| {variant.Name} | {variant.What} | {score.Gamma:F3} | {score.GammaFiringTraces:F3} | {score.SpikeF1:F3} | {score.SpikePrecision:F3} / {score.SpikeRecall:F3} | {score.RmseSubthresholdMv:F2} | {flop} | {clock.Elapsed.TotalSeconds:F0} |");
            }
        }
        finally
        {
            foreach (var network in networks)
            {
                network?.Dispose();
            }
        }
        var text = new StringBuilder();
        string name = options.Neuron?.Key ?? Path.GetFileNameWithoutExtension(dataset);
        text.AppendLine(Invariant($"# Experiments: latent-surrogate variants on `{name}`, closed loop on the validation runs"));
        text.AppendLine();
        text.AppendLine(Invariant($"Produced by `{options.Command}` on {DateTime.UtcNow:yyyy-MM-dd} in {total.Elapsed.TotalMinutes:F0} min ({Environment.ProcessorCount} cores, one variant at a time, one torch thread). Dataset `{dataset}`, split by run with seed {split.Seed}: trained on the {train.TraceCount} training traces, scored closed loop (given only the currents) on the {validation.TraceCount} validation traces. The test runs are not used here. Every latent variant: {s.Iterations} iterations of {s.BatchSize} windows, seed {s.Seed}, the weights with the best validation Γ kept (so these numbers are optimistic for every row alike); one change each from the first row."));
        text.AppendLine();
        text.AppendLine("| variant | what | Γ | Γ, traces that fire | F1 | precision / recall | subthreshold RMSE (mV) | FLOP per simulated ms | training s |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            text.AppendLine(row);
        }
        text.AppendLine();
        text.AppendLine("Γ is the coincidence factor (Δ = 2 ms); \"traces that fire\" leaves out the validation traces where the truth is silent; FLOP per simulated ms counts one multiply or add as one, per trace. Training seconds are wall time on one torch thread.");
        string path = Path.Combine(options.ResultsFolder, "experiments", options.Variants.Count > 0 ? $"latent_{name}_{string.Join('_', options.Variants.Order())}.md" : $"latent_{name}.md");
        TrainFiles.WriteText(path, text.ToString());
        log($"wrote {path}");
        return 0;
    }

    /// <summary>The first stage's voltage-lag MLP, trained one step ahead and scored closed loop.</summary>
    private static (MetricSummary Score, string Flop) VoltageLag(MLContext ml, TraceSet train, TraceSet validation)
    {
        var spec = new FeatureSpec { VoltageLags = FeatureSpec.Range(16), CurrentLags = FeatureSpec.Range(16), TimeStepMs = train.TimeStepMs, VoltagePaddingMv = train.VoltagesMv[0] }.Validate();
        var rule = SpikeResetRule.FromTraces(train);
        var settings = new MlpSettings { Epochs = 6, Threads = 1 };
        var (model, _, _) = VoltageLagTrainer.Train(ml, settings, spec, rule, train, validation);
        using (model)
        {
            var (predictions, _) = VoltageLagTrainer.ClosedLoop(model, spec, rule, validation);
            for (int i = 0; i < predictions.Length; i++)
            {
                predictions[i] = double.IsFinite(predictions[i]) ? predictions[i] : spec.VoltagePaddingMv;
            }
            long flop = 2L * (32 * 128 + 128 * 128 + 128) + 4 * 256;
            return (Evaluation.Summarize(validation, predictions), Invariant($"{flop / train.TimeStepMs:N0}"));
        }
    }
}

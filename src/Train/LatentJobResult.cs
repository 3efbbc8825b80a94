using NeuronSurrogate.Data;
using NeuronSurrogate.MLNet;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Train;

/// <summary>Everything a latent job measured, for results/NAME/metrics.json and report.md.</summary>
internal sealed record LatentJobResult(TrainOptions Options, string Dataset, RunSplit Split, TraceSet Test, LatentSpec Spec, LatentOutcome Outcome,
    IReadOnlyDictionary<string, ModelResult> Baselines, LatentSuites Suites, IReadOnlyList<string> Plots, IReadOnlyList<KeyValuePair<string, double>> Timings, double Seconds)
{
    /// <summary>A combined job's stimulus library: its file, its split and its test runs (scored beside the mixed ones).</summary>
    public (string Dataset, RunSplit Split, TraceSet Test)? Library { get; init; }

    /// <summary>The shipped model's scores.</summary>
    public LatentEvaluation Evaluation => Outcome.Shipped.Evaluation;

    /// <summary>The metrics document: results/metrics.json's shape (dataset, split, models), with the latent job's extras.</summary>
    public Dictionary<string, object> Metrics()
    {
        var models = new Dictionary<string, ModelResult> { [Options.ModelName] = Evaluation.Result };
        foreach (var (name, result) in Baselines)
        {
            models[name] = result;
        }
        var document = new Dictionary<string, object>
        {
            ["dataset"] = new Dictionary<string, object> { ["path"] = Dataset, ["runs"] = Split.Train.Count + Split.Validation.Count + Split.Test.Count, ["test_traces"] = Test.TraceCount, ["steps"] = Test.Steps, ["dt_ms"] = Test.TimeStepMs },
            ["split"] = new Dictionary<string, object> { ["seed"] = Split.Seed, ["train"] = Split.Train, ["validation"] = Split.Validation, ["test"] = Split.Test },
            ["models"] = models,
            ["seeds"] = Outcome.Evaluations.Select(e => new Dictionary<string, object>
            {
                ["seed"] = e.Seed.Settings.Seed,
                ["validation_gamma"] = e.Seed.Best.ValidationGamma,
                ["test_closed_loop"] = e.Evaluation.Result.ClosedLoop,
                ["training_seconds"] = Math.Round(e.Seed.Trained.Seconds, 1),
                ["shipped"] = e.Shipped,
            }).Select((d, i) =>
            {
                if (Outcome.Evaluations[i].LibraryTest is { } l)
                {
                    d["library_test_closed_loop"] = l;
                }
                return d;
            }).ToArray(),
            ["checks"] = new Dictionary<string, object>
            {
                ["rollout_graph_same_spike_times"] = Evaluation.RolloutSame,
                ["rollout_graph_traces"] = Evaluation.RolloutTraces,
                ["onnx_vs_torch_largest_difference"] = Evaluation.Parity,
                ["fused_vs_torch_largest_difference"] = Evaluation.FusedParity,
                ["diverged_test_traces"] = Evaluation.Diverged,
            },
            ["training_seconds"] = Math.Round(Outcome.Shipped.Seed.Trained.Seconds, 1),
            ["flop_per_step"] = Outcome.Card.FlopPerStep,
        };
        if (Library is { } library && Outcome.Shipped.LibraryTest is { } libraryTest)
        {
            document["library"] = new Dictionary<string, object>
            {
                ["path"] = library.Dataset,
                ["runs"] = library.Split.Train.Count + library.Split.Validation.Count + library.Split.Test.Count,
                ["test_traces"] = library.Test.TraceCount,
                ["steps"] = library.Test.Steps,
                ["split"] = new Dictionary<string, object> { ["train"] = library.Split.Train, ["validation"] = library.Split.Validation, ["test"] = library.Split.Test },
                ["test_closed_loop"] = libraryTest,
            };
        }
        if (Suites.FiCurve is not null)
        {
            document["fi_curve"] = Suites.FiCurve;
            document["fi_levels_within_tolerance"] = Suites.FiCurve.Count(p => p.WithinTolerance);
        }
        if (Suites.MixedHeldOut is not null)
        {
            document["mixed_heldout"] = Suites.MixedHeldOut;
        }
        if (Suites.OutOfDistribution is { } ood)
        {
            document["out_of_distribution"] = new Dictionary<string, object>
            {
                ["traces_per_family"] = ood.TracesPerFamily,
                ["windows_ms"] = Inference.OodSuite.WindowsMs,
                ["gamma"] = ood.Gamma,
                ["simulator_at_twice_its_step_gamma"] = (object?)ood.YardstickGamma ?? "none",
                ["families"] = ood.Families.ToDictionary(f => f.Family.ToString(), f => new Dictionary<string, object>
                {
                    ["gamma"] = f.Surrogate.Select(m => m.Gamma).ToArray(),
                    ["spike_f1"] = f.Surrogate.Select(m => m.SpikeF1).ToArray(),
                    ["simulator_at_twice_its_step_gamma"] = (object?)f.Yardstick?.Select(m => m.Gamma).ToArray() ?? "none",
                }),
            };
        }
        if (Suites.OutOfDistributionValidation is { } validation)
        {
            document["out_of_distribution_validation"] = new Dictionary<string, object>
            {
                ["seed"] = Inference.OodSuite.ValidationSeed,
                ["traces_per_family"] = validation.TracesPerFamily,
                ["windows_ms"] = Inference.OodSuite.WindowsMs,
                ["gamma"] = validation.Gamma,
            };
        }
        return document;
    }
}

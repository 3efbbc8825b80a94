using System.Diagnostics;
using Microsoft.ML;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Features;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.MLNet;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;
using static System.FormattableString;

namespace NeuronSurrogate.Train;

/// <summary>
/// The FastTree baseline on voltage and current lags: fit every candidate setting on the training runs, choose by
/// closed-loop Γ (then subthreshold RMSE) on the validation runs, export the chosen one with ML.NET's ONNX converter,
/// score the exported graph on the test runs, and write its card.
/// </summary>
internal static class FastTreeStage
{
    /// <summary>The settings tried.</summary>
    public static readonly FastTreeSettings[] Candidates =
    [
        new() { Trees = 100, Leaves = 32, LearningRate = 0.2 },
        new() { Trees = 200, Leaves = 64, LearningRate = 0.1 },
        new() { Trees = 100, Leaves = 16, LearningRate = 0.3 },
    ];

    public static FastTreeOutcome Run(MLContext ml, FeatureSpec spec, SpikeResetRule rule, IzhikevichSimulationOptions simulation, SplitTraces data,
        TrainOptions options, Action<string> log)
    {
        var (train, validation, test) = (data.Train, data.Validation, data.Test);
        var trainFeatures = FeatureDataView.Create(ml, spec, train, options.FastTreeStride);
        var fitted = new List<(FastTreeCandidate Candidate, ITransformer Model)>();
        foreach (var settings in Candidates)
        {
            var clock = Stopwatch.StartNew();
            var model = FastTreeBaseline.Fit(ml, trainFeatures, settings);
            var predictions = new double[validation.VoltagesMv.Length];
            VoltageLagRollout.ClosedLoop(spec, new MlNetPredictor(ml, model, spec), validation.Currents, predictions, validation.TraceCount, rule);
            var score = Evaluation.Summarize(validation, predictions);
            fitted.Add((new FastTreeCandidate(settings, score), model));
            log(Invariant($"fasttree {settings}: validation closed loop Γ {score.Gamma:F3}, subthreshold RMSE {score.RmseSubthresholdMv:F2} mV ({clock.Elapsed.TotalSeconds:F0} s)"));
        }
        var best = fitted.OrderByDescending(c => Math.Round(c.Candidate.Validation.Gamma, 3)).ThenBy(c => c.Candidate.Validation.RmseSubthresholdMv).First();
        log($"fasttree chosen on validation runs: {best.Candidate.Settings}");

        string onnxPath = Path.Combine(options.ModelsFolder, "fasttree.onnx");
        Directory.CreateDirectory(options.ModelsFolder);
        // The export sample: a few rows of the training features, for the converter to read the schema from.
        FastTreeBaseline.ExportOnnx(ml, best.Model, ml.Data.TakeRows(trainFeatures, 16), onnxPath);

        // Test-set scoring goes through the exported graph with ONNX Runtime: what is measured is what ships.
        using var onnx = new VoltageLagSurrogate(onnxPath, spec, rule, FeatureDataView.FeaturesColumn, "Score.output");
        var scored = SurrogateScoring.Test("fasttree", onnx, test, log);
        var outcome = new FastTreeOutcome(scored.Result, scored.ClosedLoop, [.. fitted.Select(f => f.Candidate)]);
        TrainFiles.WriteText(Path.Combine(options.ModelsFolder, "fasttree.json"), Card(spec, rule, simulation, best.Candidate.Settings, outcome, data, options).ToJson());
        return outcome;
    }

    private static VoltageLagModelCard Card(FeatureSpec spec, SpikeResetRule rule, IzhikevichSimulationOptions simulation, FastTreeSettings chosen,
        FastTreeOutcome outcome, SplitTraces data, TrainOptions options) => new()
    {
        Model = "fasttree",
        OnnxFile = "fasttree.onnx",
        Description = "ML.NET FastTree (gradient-boosted regression trees) baseline on causal voltage and current lags, mean-variance normalization inside the graph.",
        Inputs =
        [
            new CardTensor(FeatureDataView.FeaturesColumn, [-1, spec.Count], "float32", "raw features (mV and current units) in the order of features.names; the graph normalizes them"),
            new CardTensor(FeatureDataView.LabelColumn, [-1, 1], "float32", "unused by the computation; ML.NET's ONNX export makes every loaded column an input: feed zeros"),
        ],
        Outputs = [new CardTensor("Score.output", [-1, 1], "float32", spec.Target == FeatureTarget.Increment ? "V(t) − V(t−1) in mV" : "V(t) in mV")],
        Features = CardFeatures.From(spec),
        Rule = CardRule.From(rule),
        Neuron = CardNeuron.From(simulation),
        HowToCall = "Closed loop over a trace of currents I(0..T−1): keep the last max-lag predicted voltages (padded with voltage_padding_mv) and " +
                    "currents (padded with current_padding); at each step t build the features, run the graph, V(t) = V(t−1) + output, then apply " +
                    "the structural rule. `neuron-surrogate predict --model models/fasttree.onnx` does this (batched over traces).",
        Training = new Dictionary<string, object>
        {
            ["dataset"] = options.DatasetPath,
            ["seed"] = options.Seed,
            ["train_runs"] = data.Split.Train.Count,
            ["row_stride"] = options.FastTreeStride,
            ["trees"] = chosen.Trees,
            ["leaves"] = chosen.Leaves,
            ["learning_rate"] = chosen.LearningRate,
            ["min_examples_per_leaf"] = chosen.MinimumExamplesPerLeaf,
            ["chosen_by"] = "closed-loop Γ, then subthreshold RMSE, on the validation runs; candidates: " + string.Join("; ", Candidates.Select(c => c.ToString())),
            ["validation_closed_loop"] = outcome.Candidates.Select(c => new Dictionary<string, object>
            {
                ["settings"] = c.Settings.ToString(),
                ["gamma"] = c.Validation.Gamma,
                ["rmse_subthreshold_mv"] = c.Validation.RmseSubthresholdMv,
            }).ToArray(),
        },
        Metrics = new Dictionary<string, MetricSummary> { ["test_closed_loop"] = outcome.Result.ClosedLoop, ["test_teacher_forced"] = outcome.Result.TeacherForced },
    };
}

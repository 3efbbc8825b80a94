using System.Diagnostics;
using Microsoft.ML;
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
        TrainFiles.WriteText(Path.Combine(options.ModelsFolder, "fasttree.json"), FastTreeCards.Create(spec, rule, simulation, best.Candidate.Settings, outcome.Candidates,
            (options.DatasetPath, options.Seed, data.Split.Train.Count, options.FastTreeStride), outcome.Result.CardMetrics()).ToJson());
        return outcome;
    }
}

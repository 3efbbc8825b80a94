using NeuronSurrogate.Cards;
using NeuronSurrogate.Features;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.MLNet;

/// <summary>The FastTree baseline's card (<see cref="VoltageLagModelCard"/>): its features, rule, tensors, training and scores.</summary>
public static class FastTreeCards
{
    /// <summary>The card of the chosen, exported model.</summary>
    /// <param name="spec">The features the graph reads.</param>
    /// <param name="rule">The structural rule around it.</param>
    /// <param name="simulation">The neuron the training data came from.</param>
    /// <param name="chosen">The setting that ships.</param>
    /// <param name="candidates">Every setting tried, with its validation score, in the order tried.</param>
    /// <param name="training">Where and how it was trained: dataset, seed, train runs, row stride.</param>
    /// <param name="metrics">The exported graph's scores, by name (test_closed_loop, test_teacher_forced).</param>
    public static VoltageLagModelCard Create(FeatureSpec spec, SpikeResetRule rule, IzhikevichSimulationOptions simulation, FastTreeSettings chosen,
        IReadOnlyList<FastTreeCandidate> candidates, (string Dataset, int Seed, int TrainRuns, int RowStride) training,
        IReadOnlyDictionary<string, MetricSummary> metrics) => new()
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
            ["dataset"] = training.Dataset,
            ["seed"] = training.Seed,
            ["train_runs"] = training.TrainRuns,
            ["row_stride"] = training.RowStride,
            ["trees"] = chosen.Trees,
            ["leaves"] = chosen.Leaves,
            ["learning_rate"] = chosen.LearningRate,
            ["min_examples_per_leaf"] = chosen.MinimumExamplesPerLeaf,
            ["chosen_by"] = "closed-loop Γ, then subthreshold RMSE, on the validation runs; candidates: " + string.Join("; ", candidates.Select(c => c.Settings.ToString())),
            ["validation_closed_loop"] = candidates.Select(c => new Dictionary<string, object>
            {
                ["settings"] = c.Settings.ToString(),
                ["gamma"] = c.Validation.Gamma,
                ["rmse_subthreshold_mv"] = c.Validation.RmseSubthresholdMv,
            }).ToArray(),
        },
        Metrics = metrics,
    };
}

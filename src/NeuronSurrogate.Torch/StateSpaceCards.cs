using NeuronSurrogate.Cards;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Torch;

/// <summary>The state-space model's card (<see cref="StateSpaceModelCard"/>): its spec, tensors, training and scores.</summary>
public static class StateSpaceCards
{
    /// <summary>The card of a trained, exported model.</summary>
    /// <param name="name">The model's file stem (NAME.onnx, NAME_rollout.onnx).</param>
    /// <param name="model">The trained module (its standardization goes into the card).</param>
    /// <param name="spec">The state layout and rule the graph computes.</param>
    /// <param name="simulation">The neuron the training data came from.</param>
    /// <param name="settings">How it was trained.</param>
    /// <param name="history">The epochs.</param>
    /// <param name="rows">Training rows.</param>
    /// <param name="dataset">The training dataset.</param>
    /// <param name="metrics">The exported graph's scores, by name (test_closed_loop, test_teacher_forced).</param>
    public static StateSpaceModelCard Create(string name, StateSpaceMlp model, StateSpaceSpec spec, IzhikevichSimulationOptions simulation,
        MlpSettings settings, IReadOnlyList<EpochReport> history, int rows, string dataset, IReadOnlyDictionary<string, MetricSummary> metrics) => new()
    {
        Model = name,
        OnnxFile = $"{name}.onnx",
        RolloutOnnxFile = $"{name}_rollout.onnx",
        Description = "State-space surrogate of an Izhikevich neuron: an MLP maps the standardized state (v, u, I, v²) of a step to the increments (Δv, Δu) to the next step; spikes come from the peak → reset rule.",
        Opset = StateSpaceOnnxExporter.Opset,
        Hidden = settings.Hidden,
        Activation = settings.Activation.ToString(),
        Inputs = [new CardTensor(StateSpaceOnnxExporter.StateInput, [-1, StateSpaceSpec.InputWidth], "float32", "per row: v (mV), u, I of a step, raw units")],
        Outputs = [new CardTensor(StateSpaceOnnxExporter.IncrementOutput, [-1, StateSpaceSpec.OutputWidth], "float32", "per row: Δv (mV), Δu to the next step, raw units (valid for v below the peak; the rule handles the rest)")],
        RolloutInputs = [new CardTensor(StateSpaceOnnxExporter.CurrentsInput, [-1, -1], "float32", "currents [N traces, T steps] at the card's dt")],
        RolloutOutputs = [new CardTensor(StateSpaceOnnxExporter.VoltagesOutput, [-1, -1], "float32", "recorded voltages [N, T] in mV, closed loop from the initial state, spikes as the 30 mV peak")],
        State = CardState.From(spec, model.Scaling),
        Rule = CardRule.From(spec.Rule),
        Neuron = CardNeuron.From(simulation),
        HowToCall = "Closed loop over currents I(0..T−1): (v, u) = (v0, u0); at each step t, if v ≥ peak: record peak, v ← reset, u ← u + recovery_increment; else record v, (Δv, Δu) = graph(v, u, I(t)), v += Δv, u += Δu. The rollout graph does exactly this for [N, T] currents in one call; `neuron-surrogate predict --model models/surrogate.onnx` does it batched over traces.",
        Training = new Dictionary<string, object>
        {
            ["dataset"] = dataset,
            ["seed"] = settings.Seed,
            ["settings"] = settings.ToString(),
            ["rows"] = rows,
            ["rows_excluded"] = "spike steps (the rule decides them) and steps whose next value is the recorded peak (censored by the recording)",
            ["normalization"] = "ML.NET NormalizeMeanVariance(fixZero: false), fitted on the training runs only",
            ["selection"] = "closed-loop Γ, then subthreshold RMSE, on the validation runs after every epoch",
            ["kernels"] = TorchRuntime.Kernels.CardEntry(),
            ["epochs"] = history.Select(h => new Dictionary<string, object>
            {
                ["epoch"] = h.Epoch,
                ["train_loss"] = h.TrainLoss,
                ["validation_gamma"] = h.ValidationGamma,
                ["validation_rmse_subthreshold_mv"] = h.ValidationRmseSubthresholdMv,
                ["learning_rate"] = h.LearningRate,
                ["best"] = h.Best,
            }).ToArray(),
        },
        Metrics = metrics,
    };
}

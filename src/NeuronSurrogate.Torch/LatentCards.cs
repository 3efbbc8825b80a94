using NeuronSurrogate.Cards;
using NeuronSurrogate.Metrics;
using static System.FormattableString;

namespace NeuronSurrogate.Torch;

/// <summary>The latent network's card (<see cref="LatentModelCard"/>): its spec, tensors, training and scores.</summary>
public static class LatentCards
{
    /// <summary>The card of a trained, exported network.</summary>
    /// <param name="name">The model's file stem (NAME.onnx, NAME_rollout.onnx).</param>
    /// <param name="network">The trained network (its spec and learned time constants go into the card).</param>
    /// <param name="settings">How it was trained.</param>
    /// <param name="history">The training's validation reports.</param>
    /// <param name="source">Where the training data came from.</param>
    /// <param name="metrics">The exported graph's scores, by name (test_closed_loop, test_teacher_forced, …).</param>
    public static LatentModelCard Create(string name, LatentNetwork network, LatentSettings settings, IReadOnlyList<LatentTrainingReport> history,
        CardSource source, IReadOnlyDictionary<string, MetricSummary> metrics)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(settings);
        var spec = network.Spec;
        var rolloutInputs = LatentOnnxExporter.RolloutInputs(spec);
        string units = string.Join(", ", spec.Inputs.Select(i => $"{i.Column} ({i.Unit})"));
        var card = new LatentModelCard
        {
            Model = name,
            OnnxFile = $"{name}.onnx",
            RolloutOnnxFile = $"{name}_rollout.onnx",
            Description = Invariant($"Latent surrogate: it reads only the injected current(s) and its own previous outputs. A bank of {spec.VoltageMemory} leaky traces of its voltage and {spec.SpikeMemory} leaky counts of its spikes, time constants learned, feeds an MLP ({string.Join(" × ", settings.Hidden)}, SiLU) that returns the next {spec.StepFactor} voltage(s) and the probability of a spike among them{(spec.Rule is null ? "" : "; the peak → reset rule the training traces show is applied inside")}. Nothing of the simulator's internal state reaches it."),
            Opset = LatentOnnxExporter.Opset,
            Hidden = settings.Hidden,
            Activation = "SiLU",
            FlopPerStep = network.FlopPerStep(),
            Inputs =
            [
                new CardTensor(LatentOnnxExporter.CurrentsInput, [-1, spec.CurrentsPerStep], "float32", Invariant($"per row: the currents of the step's {spec.StepFactor} data step(s), each step's columns in the order of latent.inputs: {units}; raw units")),
                new CardTensor(LatentOnnxExporter.StateInput, [-1, spec.StateSize], "float32", "per row: the state (latent.state_layout); start from the initial state"),
            ],
            Outputs =
            [
                new CardTensor(LatentOnnxExporter.VoltagesOutput, [-1, spec.StepFactor], "float32", Invariant($"per row: the voltages (mV) of the next {spec.StepFactor} data step(s)")),
                new CardTensor(LatentOnnxExporter.SpikeProbabilityOutput, [-1, 1], "float32", "per row: the network's probability that the true trace spikes within those steps (a readout; the voltages are the prediction)"),
                new CardTensor(LatentOnnxExporter.NextStateOutput, [-1, spec.StateSize], "float32", "per row: the state after the step"),
            ],
            RolloutInputs = spec.IsSynaptic ? [] : [.. rolloutInputs.Select((input, c) => new CardTensor(input, [-1, -1], "float32", Invariant($"{spec.Inputs[c].Column} ({spec.Inputs[c].Unit}) [N traces, T steps] at dt = {spec.TimeStepMs} ms")))],
            RolloutOutputs = [new CardTensor(LatentOnnxExporter.VoltagesOutput, [-1, -1], "float32", "voltages [N, T] in mV, closed loop from the initial state; voltage 0 is the initial voltage")],
            Latent = CardLatent.From(spec, network.VoltageTimeConstantsMs(), network.SpikeTimeConstantsMs()),
            Rule = spec.Rule is null ? null : CardLatentRule.From(spec.Rule),
            Source = source,
            HowToCall = Invariant($"Closed loop over currents of T data steps: state = the initial state, voltage[0] = latent.initial_voltage_mv; for t = 0, {spec.StepFactor}, 2·{spec.StepFactor}, …: (voltages[t+1..t+{spec.StepFactor}], p, state) = graph(currents of steps t..t+{spec.StepFactor - 1}, state). Teacher forcing: before each step set state[0] to the true voltage, state[1] to its spike flag, state[2] to its peak flag. The rollout graph does the closed loop for [N, T] currents in one call; `neuron-surrogate predict --model models/{name}.onnx` does it batched over traces."),
            Training = new Dictionary<string, object>
            {
                ["dataset"] = source.Dataset,
                ["seed"] = settings.Seed,
                ["settings"] = settings.ToString(),
                ["method"] = "masked multiple shooting: windows start from teacher-forced states at random times (noise on the true voltages), run free, and the voltage error counts up to the mask (LatentMask); backpropagation through the network's own rollouts; Adam, cosine learning rate, gradient clipping",
                ["normalization"] = "ML.NET NormalizeMeanVariance(fixZero: false) of the voltage, each current and the k increments, fitted on the training runs only",
                ["selection"] = "closed-loop Γ, then subthreshold RMSE, on the validation runs, every evaluate_every iterations",
                ["evaluate_every"] = settings.EvaluateEvery,
                ["threads"] = settings.Threads,
                ["kernels"] = TorchRuntime.Kernels.CardEntry(),
                ["history"] = history.Select(h => new Dictionary<string, object>
                {
                    ["iteration"] = h.Iteration,
                    ["train_loss"] = h.TrainLoss,
                    ["longest_window_steps"] = h.LongestWindowSteps,
                    ["validation_gamma"] = h.ValidationGamma,
                    ["validation_f1"] = h.ValidationF1,
                    ["validation_rmse_subthreshold_mv"] = h.ValidationRmseSubthresholdMv,
                    ["learning_rate"] = h.LearningRate,
                    ["best"] = h.Best,
                }).ToArray(),
            },
            Metrics = metrics,
        };
        return spec.IsSynaptic ? Synaptic(card, name, network, settings) : card;
    }

    /// <summary>A synaptic model's card: its tensors read event counts, and it says how to call it on events.</summary>
    private static LatentModelCard Synaptic(LatentModelCard card, string name, LatentNetwork network, LatentSettings settings)
    {
        var spec = network.Spec;
        int k = spec.StepFactor;
        string taus = string.Join(", ", spec.InputTimeConstantsMs.Select(t => t.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)));
        return card with
        {
            Description = Invariant($"Synaptic latent surrogate: it reads only the input events of the cell's {spec.Synapses} synapses and its own previous outputs. Each step's event counts pass through a learned projection to {spec.InputChannels} channels (W, {spec.InputChannels} × {spec.Synapses}; in a sparse engine the cost grows with the active synapses only), each channel feeds {spec.InputTimeConstantsMs.Count} leaky traces (τ {taus} ms, fixed); with {spec.VoltageMemory} leaky traces of its voltage and {spec.SpikeMemory} leaky counts of its spikes (time constants learned) they feed an MLP ({string.Join(" × ", settings.Hidden)}, SiLU) that returns the next {k} voltage(s) and the probability of a spike among them. Nothing of the simulator's internal state reaches it."),
            Inputs =
            [
                new CardTensor(LatentOnnxExporter.EventCountsInput, [-1, spec.Synapses], "float32", Invariant($"per row: each synapse's number of input events in the step's {k} data step(s) (times in [t·dt, (t + {k})·dt)), synapse ids as in the cell's synapse table")),
                card.Inputs[1],
            ],
            RolloutInputs = [new CardTensor(LatentOnnxExporter.EventCountsInput, [-1, -1, spec.Synapses], "float32", Invariant($"[N traces, B steps of {spec.SurrogateTimeStepMs} ms, {spec.Synapses} synapses]: event counts per step"))],
            RolloutOutputs = [new CardTensor(LatentOnnxExporter.VoltagesOutput, [-1, -1], "float32", Invariant($"voltages [N, 1 + B·{k}] in mV, closed loop from the initial state; voltage 0 is the initial voltage"))],
            HowToCall = Invariant($"Closed loop over input events: state = the initial state, voltage[0] = latent.initial_voltage_mv; for t = 0, {k}, 2·{k}, …: counts[s] = events of synapse s at times in [t·dt, (t+{k})·dt); (voltages[t+1..t+{k}], p, state) = graph(counts, state). The rollout graph does it for [N, B, {spec.Synapses}] counts in one call; `neuron-surrogate predict --model models/{name}.onnx --events EVENTS --input TRACES` does it from an input-events file."),
        };
    }
}

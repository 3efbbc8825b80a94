using System.Text.Json;
using System.Text.Json.Serialization;
using NeuronSurrogate.Data;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Cards;

/// <summary>
/// The card of a state-space surrogate (DESIGN section 4): the one-step graph and the rollout graph, their tensors, the
/// state and its standardization, dt, the initial state, the peak → reset rule (the state and the rule together are the
/// model's <see cref="StateSpaceSpec"/>), the neuron, training and metrics.
/// </summary>
public sealed record StateSpaceModelCard
{
    public const string FormatName = "neuron-surrogate.state-space-card/1";

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    [JsonPropertyName("model")] public string Model { get; init; } = "";
    [JsonPropertyName("onnx")] public string OnnxFile { get; init; } = "";
    [JsonPropertyName("rollout_onnx")] public string RolloutOnnxFile { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("opset")] public int Opset { get; init; }
    [JsonPropertyName("hidden")] public IReadOnlyList<int> Hidden { get; init; } = [];
    [JsonPropertyName("activation")] public string Activation { get; init; } = "";
    [JsonPropertyName("inputs")] public IReadOnlyList<CardTensor> Inputs { get; init; } = [];
    [JsonPropertyName("outputs")] public IReadOnlyList<CardTensor> Outputs { get; init; } = [];
    [JsonPropertyName("rollout_inputs")] public IReadOnlyList<CardTensor> RolloutInputs { get; init; } = [];
    [JsonPropertyName("rollout_outputs")] public IReadOnlyList<CardTensor> RolloutOutputs { get; init; } = [];
    [JsonPropertyName("state")] public CardState State { get; init; } = new();
    [JsonPropertyName("structural_rule")] public CardRule Rule { get; init; } = new();
    [JsonPropertyName("neuron")] public CardNeuron? Neuron { get; init; }
    [JsonPropertyName("how_to_call")] public string HowToCall { get; init; } = "";
    [JsonPropertyName("training")] public IReadOnlyDictionary<string, object> Training { get; init; } = new Dictionary<string, object>();
    [JsonPropertyName("metrics")] public IReadOnlyDictionary<string, MetricSummary> Metrics { get; init; } = new Dictionary<string, MetricSummary>();

    public string ToJson() => JsonSerializer.Serialize(this, VoltageLagModelCard.JsonOptions);

    /// <summary>The spec the card serializes (its state and structural rule sections).</summary>
    public StateSpaceSpec ToSpec() => new(State.TimeStepMs, State.InitialVoltageMv, State.InitialRecovery, new SpikeResetRule(Rule.PeakMv, Rule.ResetMv, Rule.RecoveryIncrement));

    /// <summary>Reads a card.</summary>
    /// <exception cref="InputException">The file is missing or is not such a card.</exception>
    public static StateSpaceModelCard Read(string path) => VoltageLagModelCard.ReadCard<StateSpaceModelCard>(path, FormatName, card => card.Format);
}

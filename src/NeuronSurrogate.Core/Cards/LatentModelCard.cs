using System.Text.Json;
using System.Text.Json.Serialization;
using NeuronSurrogate.Data;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Cards;

/// <summary>
/// The card of a latent surrogate (DESIGN section 9): the one-step graph and the rollout graph, their tensors, the
/// <see cref="LatentSpec"/> (inputs and their units, standardization, the state's layout and size, the surrogate's step
/// against the data's), the structural rule if the data show one, the training data, training and held-out metrics.
/// </summary>
public sealed record LatentModelCard
{
    public const string FormatName = "neuron-surrogate.latent-card/1";

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    [JsonPropertyName("model")] public string Model { get; init; } = "";
    [JsonPropertyName("onnx")] public string OnnxFile { get; init; } = "";
    [JsonPropertyName("rollout_onnx")] public string RolloutOnnxFile { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("opset")] public int Opset { get; init; }
    [JsonPropertyName("hidden")] public IReadOnlyList<int> Hidden { get; init; } = [];
    [JsonPropertyName("activation")] public string Activation { get; init; } = "";
    [JsonPropertyName("flop_per_step")] public long FlopPerStep { get; init; }
    [JsonPropertyName("inputs")] public IReadOnlyList<CardTensor> Inputs { get; init; } = [];
    [JsonPropertyName("outputs")] public IReadOnlyList<CardTensor> Outputs { get; init; } = [];
    [JsonPropertyName("rollout_inputs")] public IReadOnlyList<CardTensor> RolloutInputs { get; init; } = [];
    [JsonPropertyName("rollout_outputs")] public IReadOnlyList<CardTensor> RolloutOutputs { get; init; } = [];
    [JsonPropertyName("latent")] public CardLatent Latent { get; init; } = new();
    [JsonPropertyName("structural_rule")] public CardLatentRule? Rule { get; init; }
    [JsonPropertyName("source")] public CardSource Source { get; init; } = new();
    [JsonPropertyName("how_to_call")] public string HowToCall { get; init; } = "";
    [JsonPropertyName("input_envelope"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public CardEnvelope? Envelope { get; init; }
    [JsonPropertyName("training")] public IReadOnlyDictionary<string, object> Training { get; init; } = new Dictionary<string, object>();
    [JsonPropertyName("metrics")] public IReadOnlyDictionary<string, MetricSummary> Metrics { get; init; } = new Dictionary<string, MetricSummary>();

    public string ToJson() => JsonSerializer.Serialize(this, VoltageLagModelCard.JsonOptions);

    /// <summary>The spec the card describes.</summary>
    /// <exception cref="InputException">The card's latent section does not describe a model.</exception>
    public LatentSpec ToSpec(string path)
    {
        try
        {
            return Latent.ToSpec(Rule);
        }
        catch (ArgumentException e)
        {
            throw InputException.InColumn(path, "latent", null, $"a latent section that describes a model ({e.Message})");
        }
    }

    /// <summary>Reads a card.</summary>
    /// <exception cref="InputException">The file is missing or is not such a card.</exception>
    public static LatentModelCard Read(string path) => VoltageLagModelCard.ReadCard<LatentModelCard>(path, FormatName, card => card.Format);
}

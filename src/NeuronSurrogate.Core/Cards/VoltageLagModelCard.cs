using System.Text.Json;
using System.Text.Json.Serialization;
using NeuronSurrogate.Data;
using NeuronSurrogate.Features;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Cards;

/// <summary>
/// The card of a voltage-lag (NARX) one-step model exported as ONNX: everything a runtime needs to use the graph with
/// nothing else — tensors, feature order and meaning, dt, padding, the structural rule — plus how it was trained and
/// its held-out metrics.
/// </summary>
public sealed record VoltageLagModelCard
{
    public const string FormatName = "neuron-surrogate.voltage-lag-card/1";

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    [JsonPropertyName("model")] public string Model { get; init; } = "";
    [JsonPropertyName("onnx")] public string OnnxFile { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("inputs")] public IReadOnlyList<CardTensor> Inputs { get; init; } = [];
    [JsonPropertyName("outputs")] public IReadOnlyList<CardTensor> Outputs { get; init; } = [];
    [JsonPropertyName("features")] public CardFeatures Features { get; init; } = new();
    [JsonPropertyName("structural_rule")] public CardRule Rule { get; init; } = new();
    [JsonPropertyName("neuron")] public CardNeuron? Neuron { get; init; }
    [JsonPropertyName("how_to_call")] public string HowToCall { get; init; } = "";
    [JsonPropertyName("training")] public IReadOnlyDictionary<string, object> Training { get; init; } = new Dictionary<string, object>();
    [JsonPropertyName("metrics")] public IReadOnlyDictionary<string, MetricSummary> Metrics { get; init; } = new Dictionary<string, MetricSummary>();

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a card.</summary>
    /// <exception cref="InputException">The file is missing or is not such a card.</exception>
    public static VoltageLagModelCard Read(string path) => ReadCard<VoltageLagModelCard>(path, FormatName, card => card.Format);

    /// <summary>Reads a card of type <typeparamref name="T"/> and checks its format name.</summary>
    internal static T ReadCard<T>(string path, string formatName, Func<T, string> formatOf) where T : class
    {
        if (!File.Exists(path))
        {
            throw InputException.About(path, "an existing model card (JSON beside the ONNX file)");
        }
        try
        {
            var card = JsonSerializer.Deserialize(File.ReadAllText(path), (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)CardJsonContext.Default.GetTypeInfo(typeof(T))!);
            if (card is null || formatOf(card) != formatName)
            {
                throw InputException.InColumn(path, "format", card is null ? null : formatOf(card), $"a model card of format '{formatName}'");
            }
            return card;
        }
        catch (JsonException e)
        {
            throw InputException.AtLine(path, e.LineNumber + 1, $"a JSON model card ({e.Message})");
        }
    }
}

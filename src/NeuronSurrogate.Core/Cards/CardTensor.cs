using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuronSurrogate.Cards;

/// <summary>A tensor of a model card: name, shape (−1 for the dynamic batch) and what it means.</summary>
public sealed record CardTensor(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("meaning")] string Meaning);

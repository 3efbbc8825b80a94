using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuronSurrogate.Cards;

/// <summary>The state and its standardization, as the graphs compute them.</summary>
public sealed record CardState
{
    [JsonPropertyName("input")] public string Input { get; init; } = "";
    [JsonPropertyName("features")] public IReadOnlyList<string> Features { get; init; } = [];
    [JsonPropertyName("feature_offset")] public IReadOnlyList<float> FeatureOffset { get; init; } = [];
    [JsonPropertyName("feature_scale")] public IReadOnlyList<float> FeatureScale { get; init; } = [];
    [JsonPropertyName("increment_mean")] public IReadOnlyList<float> IncrementMean { get; init; } = [];
    [JsonPropertyName("increment_scale")] public IReadOnlyList<float> IncrementScale { get; init; } = [];
    [JsonPropertyName("dt_ms")] public double TimeStepMs { get; init; }
    [JsonPropertyName("initial_voltage_mv")] public double InitialVoltageMv { get; init; }
    [JsonPropertyName("initial_recovery")] public double InitialRecovery { get; init; }
    [JsonPropertyName("meaning")] public string Meaning { get; init; } = "";
}

using System.Text.Json.Serialization;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Cards;

/// <summary>The state and its standardization, as the graphs compute them: with the structural rule, the serialized <see cref="StateSpaceSpec"/>.</summary>
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

    /// <summary>The section of a model with spec <paramref name="spec"/> and standardization <paramref name="scaling"/>.</summary>
    public static CardState From(StateSpaceSpec spec, StateSpaceScaling scaling)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(scaling);
        string features = string.Join(", ", StateSpaceSpec.FeatureNames).Replace("^2", "²", StringComparison.Ordinal);
        return new CardState
        {
            Input = string.Join(", ", StateSpaceSpec.InputNames),
            Features = StateSpaceSpec.FeatureNames,
            FeatureOffset = scaling.InputOffset,
            FeatureScale = scaling.InputScale,
            IncrementMean = scaling.TargetMean,
            IncrementScale = scaling.TargetScale,
            TimeStepMs = spec.TimeStepMs,
            InitialVoltageMv = spec.InitialVoltageMv,
            InitialRecovery = spec.InitialRecovery,
            Meaning = $"features ({features}) are standardized as (x − offset) × scale; the network's outputs y become increments y × increment_scale + increment_mean. Both maps are inside the graph, folded into the weights and biases of its first and last layer. A closed loop starts at (initial_voltage_mv, initial_recovery).",
        };
    }
}

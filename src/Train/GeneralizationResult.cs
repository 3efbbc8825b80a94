using System.Text.Json.Serialization;
using NeuronSurrogate.Metrics;

namespace NeuronSurrogate.Train;

/// <summary>How a shipped model does away from its own test split.</summary>
public sealed record GeneralizationResult(
    [property: JsonPropertyName("default_test")] MetricSummary DefaultTest,
    [property: JsonPropertyName("mixed_heldout")] MetricSummary MixedHeldOut,
    [property: JsonPropertyName("fi_curve")] IReadOnlyList<FiPoint> FiCurve);

using System.Text.Json.Serialization;
using NeuronSurrogate.Metrics;

namespace NeuronSurrogate.Train;

/// <summary>How a shipped model does away from its own test split.</summary>
public sealed record GeneralizationResult(
    [property: JsonPropertyName("default_test")] MetricSummary DefaultTest,
    [property: JsonPropertyName("mixed_heldout")] MetricSummary MixedHeldOut,
    [property: JsonPropertyName("fi_curve")] IReadOnlyList<FiPoint> FiCurve,
    [property: JsonPropertyName("out_of_distribution")] GeneralizationOod OutOfDistribution);

/// <summary>
/// A model on the out-of-distribution suite's test part (<c>OodSuite</c>, 1 s traces of families its training never drew),
/// closed loop: Γ over each window of <see cref="WindowsMs"/> (the last is the whole second), and per family over the whole second.
/// </summary>
public sealed record GeneralizationOod(
    [property: JsonPropertyName("traces_per_family")] int TracesPerFamily,
    [property: JsonPropertyName("windows_ms")] IReadOnlyList<double> WindowsMs,
    [property: JsonPropertyName("gamma")] IReadOnlyList<double> Gamma,
    [property: JsonPropertyName("families_gamma")] IReadOnlyDictionary<string, double> FamiliesGamma)
{
    public static GeneralizationOod From(Inference.OodResult result) => new(result.TracesPerFamily, Inference.OodSuite.WindowsMs, result.Gamma,
        result.Families.ToDictionary(f => f.Family.ToString(), f => f.Surrogate[^1].Gamma));
}

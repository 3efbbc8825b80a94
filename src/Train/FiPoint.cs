using System.Text.Json.Serialization;

namespace NeuronSurrogate.Train;

/// <summary>One level of the f–I curve: spikes in 1 s of constant current, simulator vs model.</summary>
/// <param name="Current">The constant current.</param>
/// <param name="TrueSpikes">The simulator's spikes in 1 s.</param>
/// <param name="ModelSpikes">The model's spikes in 1 s, closed loop.</param>
/// <param name="ToleranceSpikes">The largest error that passes; null for the state-space models' tolerance, one spike or 5 %.</param>
public sealed record FiPoint(
    [property: JsonPropertyName("current")] double Current,
    [property: JsonPropertyName("true_spikes")] int TrueSpikes,
    [property: JsonPropertyName("model_spikes")] int ModelSpikes,
    [property: JsonIgnore] double? ToleranceSpikes = null)
{
    [JsonPropertyName("error")] public int Error => Math.Abs(ModelSpikes - TrueSpikes);

    /// <summary>Within the tolerance: <see cref="ToleranceSpikes"/>, or one spike or 5 % of the true count.</summary>
    [JsonPropertyName("within_tolerance")] public bool WithinTolerance => Error <= (ToleranceSpikes ?? Math.Max(1, 0.05 * TrueSpikes));
}

using System.Text.Json.Serialization;

namespace NeuronSurrogate.Train;

/// <summary>One level of the f–I curve: spikes in 1 s of constant current, simulator vs model.</summary>
public sealed record FiPoint(
    [property: JsonPropertyName("current")] double Current,
    [property: JsonPropertyName("true_spikes")] int TrueSpikes,
    [property: JsonPropertyName("model_spikes")] int ModelSpikes)
{
    [JsonPropertyName("error")] public int Error => Math.Abs(ModelSpikes - TrueSpikes);

    /// <summary>Within one spike or 5 % of the true count, the tolerance.</summary>
    [JsonPropertyName("within_tolerance")] public bool WithinTolerance => Error <= Math.Max(1, 0.05 * TrueSpikes);
}

using System.Globalization;
using System.Text.Json.Serialization;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Cards;

/// <summary>The structural rule of a latent card: a recorded peak is followed by the reset, as the training traces show.</summary>
public sealed record CardLatentRule
{
    [JsonPropertyName("peak_mv")] public double PeakMv { get; init; }
    [JsonPropertyName("reset_mv")] public double ResetMv { get; init; }
    [JsonPropertyName("text")] public string Text { get; init; } = "";

    public static CardLatentRule From(SpikeResetRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new CardLatentRule
        {
            PeakMv = rule.PeakMv,
            ResetMv = rule.ResetMv,
            Text = string.Create(CultureInfo.InvariantCulture,
                $"estimated from the training traces, where every recorded {rule.PeakMv} mV (their largest value) is followed by {rule.ResetMv} mV: a voltage the network puts at or above {rule.PeakMv} is recorded as {rule.PeakMv} and sets the peak flag; the voltage after a peak is {rule.ResetMv}, whatever the network says. Applied inside both graphs."),
        };
    }

    public SpikeResetRule ToRule() => new(PeakMv, ResetMv);
}

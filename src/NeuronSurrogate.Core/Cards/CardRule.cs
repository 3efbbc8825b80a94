using System.Text.Json;
using System.Text.Json.Serialization;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Cards;

/// <summary>The structural rule section of a card.</summary>
public sealed record CardRule
{
    [JsonPropertyName("peak_mv")] public double PeakMv { get; init; }
    [JsonPropertyName("reset_mv")] public double ResetMv { get; init; }
    [JsonPropertyName("recovery_increment")] public double RecoveryIncrement { get; init; }
    [JsonPropertyName("text")] public string Text { get; init; } = "";

    public static CardRule From(SpikeResetRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new CardRule
        {
            PeakMv = rule.PeakMv,
            ResetMv = rule.ResetMv,
            RecoveryIncrement = rule.RecoveryIncrement,
            Text = FormattableString.Invariant($"voltage-lag models: if V(t−1) ≥ {rule.PeakMv} then V(t) = {rule.ResetMv} (reset, the model's output is ignored); else if V(t) ≥ {rule.PeakMv} then V(t) = {rule.PeakMv} (recorded peak). State-space models: at each step, if v ≥ {rule.PeakMv} record {rule.PeakMv}, then v ← {rule.ResetMv} and u ← u + {rule.RecoveryIncrement} without calling the model; else record v and add the model's increment."),
        };
    }
}

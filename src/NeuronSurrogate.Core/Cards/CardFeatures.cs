using System.Text.Json;
using System.Text.Json.Serialization;
using NeuronSurrogate.Features;

namespace NeuronSurrogate.Cards;

/// <summary>The features section of a card: the <see cref="FeatureSpec"/>, spelled out.</summary>
public sealed record CardFeatures
{
    [JsonPropertyName("names")] public IReadOnlyList<string> Names { get; init; } = [];
    [JsonPropertyName("voltage_lags")] public IReadOnlyList<int> VoltageLags { get; init; } = [];
    [JsonPropertyName("current_lags")] public IReadOnlyList<int> CurrentLags { get; init; } = [];
    [JsonPropertyName("dt_ms")] public double TimeStepMs { get; init; }
    [JsonPropertyName("voltage_padding_mv")] public double VoltagePaddingMv { get; init; }
    [JsonPropertyName("current_padding")] public double CurrentPadding { get; init; }
    [JsonPropertyName("target")] public string Target { get; init; } = "";
    [JsonPropertyName("meaning")] public string Meaning { get; init; } = "";

    public static CardFeatures From(FeatureSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new CardFeatures
        {
            Names = spec.Names,
            VoltageLags = spec.VoltageLags,
            CurrentLags = spec.CurrentLags,
            TimeStepMs = spec.TimeStepMs,
            VoltagePaddingMv = spec.VoltagePaddingMv,
            CurrentPadding = spec.CurrentPadding,
            Target = spec.Target == FeatureTarget.Increment ? "increment" : "voltage",
            Meaning = "features at step t: V(t−k) for each voltage lag k, then I(t−m) for each current lag m; before the trace starts V is the " +
                      "voltage padding and I the current padding. Output: " +
                      (spec.Target == FeatureTarget.Increment ? "V(t) − V(t−1) in mV." : "V(t) in mV."),
        };
    }

    public FeatureSpec ToSpec() => new FeatureSpec
    {
        VoltageLags = VoltageLags,
        CurrentLags = CurrentLags,
        TimeStepMs = TimeStepMs,
        VoltagePaddingMv = VoltagePaddingMv,
        CurrentPadding = CurrentPadding,
        Target = Target == "voltage" ? FeatureTarget.Voltage : FeatureTarget.Increment,
    }.Validate();
}

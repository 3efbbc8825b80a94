using System.Text.Json;
using System.Text.Json.Serialization;
using NeuronSurrogate.Data;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;

using NeuronSurrogate.Features;

namespace NeuronSurrogate.Cards;

/// <summary>A tensor of a model card: name, shape (−1 for the dynamic batch) and what it means.</summary>
public sealed record CardTensor(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("meaning")] string Meaning);

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

/// <summary>The neuron a model was trained on.</summary>
public sealed record CardNeuron(
    [property: JsonPropertyName("preset")] string Preset,
    [property: JsonPropertyName("a")] double A,
    [property: JsonPropertyName("b")] double B,
    [property: JsonPropertyName("c")] double C,
    [property: JsonPropertyName("d")] double D,
    [property: JsonPropertyName("v0_mv")] double InitialVoltageMv,
    [property: JsonPropertyName("integrator")] string Integrator)
{
    public static CardNeuron From(IzhikevichSimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var p = options.Parameters;
        return new CardNeuron(p.Name, p.A, p.B, p.C, p.D, options.InitialVoltageMv, options.Integrator == IzhikevichIntegrator.HalfStep ? "half-step" : "euler");
    }
}

/// <summary>
/// The card of a voltage-lag (NARX) one-step model exported as ONNX: everything a runtime needs to use the graph with
/// nothing else — tensors, feature order and meaning, dt, padding, the structural rule — plus how it was trained and
/// its held-out metrics.
/// </summary>
public sealed record VoltageLagModelCard
{
    public const string FormatName = "neuron-surrogate.voltage-lag-card/1";

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    [JsonPropertyName("model")] public string Model { get; init; } = "";
    [JsonPropertyName("onnx")] public string OnnxFile { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("inputs")] public IReadOnlyList<CardTensor> Inputs { get; init; } = [];
    [JsonPropertyName("outputs")] public IReadOnlyList<CardTensor> Outputs { get; init; } = [];
    [JsonPropertyName("features")] public CardFeatures Features { get; init; } = new();
    [JsonPropertyName("structural_rule")] public CardRule Rule { get; init; } = new();
    [JsonPropertyName("neuron")] public CardNeuron? Neuron { get; init; }
    [JsonPropertyName("how_to_call")] public string HowToCall { get; init; } = "";
    [JsonPropertyName("training")] public IReadOnlyDictionary<string, object> Training { get; init; } = new Dictionary<string, object>();
    [JsonPropertyName("metrics")] public IReadOnlyDictionary<string, MetricSummary> Metrics { get; init; } = new Dictionary<string, MetricSummary>();

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a card.</summary>
    /// <exception cref="InputException">The file is missing or is not such a card.</exception>
    public static VoltageLagModelCard Read(string path) => ReadCard<VoltageLagModelCard>(path, FormatName, card => card.Format);

    /// <summary>Reads a card of type <typeparamref name="T"/> and checks its format name.</summary>
    internal static T ReadCard<T>(string path, string formatName, Func<T, string> formatOf) where T : class
    {
        if (!File.Exists(path))
        {
            throw new InputException(path, null, null, null, null, "an existing model card (JSON beside the ONNX file)");
        }
        try
        {
            var card = JsonSerializer.Deserialize<T>(File.ReadAllText(path), JsonOptions);
            if (card is null || formatOf(card) != formatName)
            {
                throw new InputException(path, null, null, "format", card is null ? null : formatOf(card), $"a model card of format '{formatName}'");
            }
            return card;
        }
        catch (JsonException e)
        {
            throw new InputException(path, e.LineNumber + 1, null, null, null, $"a JSON model card ({e.Message})");
        }
    }
}

using System.Text.Json.Serialization;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Cards;

/// <summary>
/// The inputs a latent model was trained on (its training runs only): each current's range and largest rate of change,
/// the traces' length and the step. <c>predict</c> warns, once per file, where an input leaves it; it never refuses.
/// </summary>
public sealed record CardEnvelope
{
    [JsonPropertyName("description")] public string Description { get; init; } =
        "what the training runs held; predict warns (never refuses) where an input leaves it";
    [JsonPropertyName("time_step_ms")] public double TimeStepMs { get; init; }
    [JsonPropertyName("trace_ms")] public double TraceMs { get; init; }
    [JsonPropertyName("traces")] public int Traces { get; init; }
    [JsonPropertyName("inputs")] public IReadOnlyList<CardEnvelopeInput> Inputs { get; init; } = [];

    /// <summary>The envelope of <paramref name="train"/>'s currents.</summary>
    public static CardEnvelope From(TraceSet train, IReadOnlyList<CardLatentInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(inputs);
        return new CardEnvelope
        {
            TimeStepMs = train.TimeStepMs,
            TraceMs = train.Steps * train.TimeStepMs,
            Traces = train.TraceCount,
            Inputs = [.. inputs.Select(input =>
            {
                var values = train.Input(input.Column);
                double rate = 0;
                for (int trace = 0; trace < train.TraceCount; trace++)
                {
                    var span = values.AsSpan(trace * train.Steps, train.Steps);
                    for (int t = 1; t < span.Length; t++)
                    {
                        rate = Math.Max(rate, Math.Abs(span[t] - span[t - 1]));
                    }
                }
                return new CardEnvelopeInput(input.Column, input.Unit, values.Min(), values.Max(), rate / train.TimeStepMs);
            })],
        };
    }
}

/// <summary>One current's range in the training runs, and its largest change per ms between consecutive steps.</summary>
public sealed record CardEnvelopeInput(
    [property: JsonPropertyName("column")] string Column,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("max")] double Max,
    [property: JsonPropertyName("max_rate_per_ms")] double MaxRatePerMs);

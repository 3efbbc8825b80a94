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
                double step = Enumerable.Range(0, train.TraceCount).Max(trace => LargestStep(values.AsSpan(trace * train.Steps, train.Steps)));
                return new CardEnvelopeInput(input.Column, input.Unit, values.Min(), values.Max(), step / train.TimeStepMs);
            })],
        };
    }

    /// <summary>The largest change between consecutive values of one trace (0 for a one-row trace): the envelope's rate, times dt.</summary>
    public static double LargestStep(ReadOnlySpan<double> values)
    {
        double step = 0;
        for (int t = 1; t < values.Length; t++)
        {
            step = Math.Max(step, Math.Abs(values[t] - values[t - 1]));
        }
        return step;
    }
}

/// <summary>One current's range in the training runs, and its largest change per ms between consecutive steps.</summary>
public sealed record CardEnvelopeInput(
    [property: JsonPropertyName("column")] string Column,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("max")] double Max,
    [property: JsonPropertyName("max_rate_per_ms")] double MaxRatePerMs);

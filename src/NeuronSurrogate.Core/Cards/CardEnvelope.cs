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
        return From([train], inputs);
    }

    /// <summary>
    /// The envelope of several training sets' currents together (the same step; their lengths may differ, and the
    /// envelope's trace length is the longest).
    /// </summary>
    public static CardEnvelope From(IReadOnlyList<TraceSet> train, IReadOnlyList<CardLatentInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(inputs);
        if (train.Count == 0 || train.Any(t => t.TimeStepMs != train[0].TimeStepMs))
        {
            throw new ArgumentException("one or more sets of training traces at the same step");
        }
        return new CardEnvelope
        {
            TimeStepMs = train[0].TimeStepMs,
            TraceMs = train.Max(t => t.Steps * t.TimeStepMs),
            Traces = train.Sum(t => t.TraceCount),
            Inputs = [.. inputs.Select(input =>
            {
                double min = double.PositiveInfinity, max = double.NegativeInfinity, step = 0;
                foreach (var set in train)
                {
                    var values = set.Input(input.Column);
                    min = Math.Min(min, values.Min());
                    max = Math.Max(max, values.Max());
                    step = Math.Max(step, Enumerable.Range(0, set.TraceCount).Max(trace => LargestStep(values.AsSpan(trace * set.Steps, set.Steps))));
                }
                return new CardEnvelopeInput(input.Column, input.Unit, min, max, step / train[0].TimeStepMs);
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

using System.Text.Json.Serialization;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Cards;

/// <summary>One current input of a latent card: column, unit and standardization.</summary>
public sealed record CardLatentInput(
    [property: JsonPropertyName("column")] string Column,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("scale")] double Scale)
{
    public static CardLatentInput From(LatentInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new(input.Column, input.Unit, input.Mean, input.Scale);
    }

    public LatentInput ToInput() => new(Column, Unit, Mean, Scale);
}

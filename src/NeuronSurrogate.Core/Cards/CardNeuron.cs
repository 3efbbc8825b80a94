using System.Text.Json.Serialization;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Cards;

/// <summary>
/// The neuron a model was trained on: its preset, the parameters the model's own spec does not already state, and the
/// integrator. Its reset c and jump d are the card's structural rule (<c>reset_mv</c>, <c>recovery_increment</c>) and
/// its v0 the card's initial state or padding; a card written before they moved there also repeats them here, which
/// reading ignores.
/// </summary>
public sealed record CardNeuron(
    [property: JsonPropertyName("preset")] string Preset,
    [property: JsonPropertyName("a")] double A,
    [property: JsonPropertyName("b")] double B,
    [property: JsonPropertyName("integrator")] string Integrator)
{
    public static CardNeuron From(IzhikevichSimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var p = options.Parameters;
        return new CardNeuron(p.Name, p.A, p.B, options.Integrator == IzhikevichIntegrator.HalfStep ? "half-step" : "euler");
    }
}

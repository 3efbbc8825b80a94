using System.Text.Json;
using System.Text.Json.Serialization;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Cards;

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

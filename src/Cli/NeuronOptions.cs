using System.CommandLine;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Cli;

/// <summary>The options that choose a neuron and integrator, shared by the commands that simulate.</summary>
internal sealed class NeuronOptions
{
    public Option<string> Preset { get; } = new("--preset")
    {
        Description = $"Izhikevich (2003) preset: {IzhikevichParameters.PresetNames}. --a/--b/--c/--d override single parameters.",
        DefaultValueFactory = _ => "RS",
    };
    public Option<double?> A { get; } = new("--a") { Description = "Recovery time scale a (1/ms); overrides the preset's." };
    public Option<double?> B { get; } = new("--b") { Description = "Recovery sensitivity b; overrides the preset's." };
    public Option<double?> C { get; } = new("--c") { Description = "Reset voltage c (mV); overrides the preset's." };
    public Option<double?> D { get; } = new("--d") { Description = "Reset increment d of u; overrides the preset's." };
    public Option<string> Integrator { get; } = new("--integrator")
    {
        Description = "euler (forward Euler, the reference semantics) or half-step (Izhikevich's two half steps for v).",
        DefaultValueFactory = _ => "euler",
    };

    public NeuronOptions()
    {
        Integrator.AcceptOnlyFromAmong("euler", "half-step");
    }

    public void AddTo(Command command)
    {
        command.Add(Preset);
        command.Add(A);
        command.Add(B);
        command.Add(C);
        command.Add(D);
        command.Add(Integrator);
    }

    /// <summary>The simulation options these flags describe, with <paramref name="timeStepMs"/>.</summary>
    /// <exception cref="ArgumentException">The preset is unknown.</exception>
    public IzhikevichSimulationOptions Read(ParseResult result, double timeStepMs)
    {
        string name = result.GetValue(Preset) ?? "RS";
        if (!IzhikevichParameters.TryGetPreset(name, out var parameters))
        {
            throw new ArgumentException($"--preset: unknown preset '{name}': expected one of {IzhikevichParameters.PresetNames}");
        }
        parameters = new IzhikevichParameters(
            result.GetValue(A) ?? parameters.A,
            result.GetValue(B) ?? parameters.B,
            result.GetValue(C) ?? parameters.C,
            result.GetValue(D) ?? parameters.D);
        return new IzhikevichSimulationOptions
        {
            Parameters = parameters,
            TimeStepMs = timeStepMs,
            Integrator = result.GetValue(Integrator) == "half-step" ? IzhikevichIntegrator.HalfStep : IzhikevichIntegrator.Euler,
        };
    }
}

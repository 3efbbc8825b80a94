using System.Globalization;

namespace NeuronSurrogate.Simulation;

/// <summary>What to simulate: the neuron, the time step and the integrator.</summary>
/// <remarks>
/// Every path of the project records the same way (DESIGN section 3): at each step, if v ≥ 30 mV the
/// recorded value is exactly 30 mV and v ← c, u ← u + d with no integration on that step; otherwise v is
/// recorded and (v, u) are advanced with the step's current. A recorded 30 mV is therefore always followed by c.
/// </remarks>
public sealed record IzhikevichSimulationOptions
{
    /// <summary>The neuron's parameters. Defaults to regular spiking (RS).</summary>
    public IzhikevichParameters Parameters { get; init; } = IzhikevichParameters.RegularSpiking;

    /// <summary>The integration and recording step in ms. Defaults to 0.1 ms, the prototype's.</summary>
    public double TimeStepMs { get; init; } = 0.1;

    /// <summary>The integrator. Defaults to <see cref="IzhikevichIntegrator.Euler"/>.</summary>
    public IzhikevichIntegrator Integrator { get; init; } = IzhikevichIntegrator.Euler;

    /// <summary>The initial membrane potential v0 in mV; u starts at b·v0. Defaults to −65 mV.</summary>
    public double InitialVoltageMv { get; init; } = IzhikevichModel.InitialVoltageMv;

    /// <summary>The initial recovery variable, u0 = b·v0.</summary>
    public double InitialRecovery => Parameters.B * InitialVoltageMv;

    /// <summary>The smallest and largest time steps accepted, in ms.</summary>
    public const double MinTimeStepMs = 1e-6, MaxTimeStepMs = 10.0;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad value and the accepted range.</summary>
    public IzhikevichSimulationOptions Validate()
    {
        Parameters.Validate();
        if (!(TimeStepMs >= MinTimeStepMs && TimeStepMs <= MaxTimeStepMs))
        {
            throw new ArgumentOutOfRangeException(nameof(TimeStepMs), TimeStepMs,
                string.Create(CultureInfo.InvariantCulture, $"time step dt = {TimeStepMs} ms is outside [{MinTimeStepMs}, {MaxTimeStepMs}] ms"));
        }
        if (!double.IsFinite(InitialVoltageMv) || InitialVoltageMv >= IzhikevichModel.PeakMv)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialVoltageMv), InitialVoltageMv,
                string.Create(CultureInfo.InvariantCulture, $"initial voltage {InitialVoltageMv} mV must be finite and below {IzhikevichModel.PeakMv} mV"));
        }
        if (!Enum.IsDefined(Integrator))
        {
            throw new ArgumentOutOfRangeException(nameof(Integrator), Integrator, "unknown integrator");
        }
        return this;
    }
}

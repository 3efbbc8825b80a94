using System.Globalization;

namespace NeuronSurrogate.Simulation;

/// <summary>What to simulate for the Hodgkin–Huxley neuron: parameters, integrator and the solver's step.</summary>
/// <remarks>
/// The solver steps at <see cref="SolverStepMs"/> (0.025 ms, NEURON's default) and records every
/// recording step (the traces' dt, 0.1 ms by default), which must be a whole number of solver steps. The current
/// of recorded step k holds over [t_k, t_k + dt) and first shows in the voltage of step k + 1 (DESIGN section 8).
/// </remarks>
public sealed record HodgkinHuxleySimulationOptions
{
    /// <summary>The neuron. Defaults to NEURON's <c>hh</c> point cell.</summary>
    public HodgkinHuxleyParameters Parameters { get; init; } = HodgkinHuxleyParameters.Neuron;

    /// <summary>The integrator. Defaults to <see cref="HodgkinHuxleyIntegrator.Neuron"/>.</summary>
    public HodgkinHuxleyIntegrator Integrator { get; init; } = HodgkinHuxleyIntegrator.Neuron;

    /// <summary>The largest solver step in ms; the recording step is split into whole steps no longer than this. Defaults to 0.025 ms.</summary>
    public double SolverStepMs { get; init; } = 0.025;

    /// <summary>The initial membrane potential in mV, the gates at their steady state there. Defaults to −65 mV.</summary>
    public double InitialVoltageMv { get; init; } = -65;

    /// <summary>The accepted solver steps, ms.</summary>
    public const double MinSolverStepMs = 1e-5, MaxSolverStepMs = 0.1;

    /// <summary>The solver steps per recording step of <paramref name="recordingStepMs"/>: the fewest whole steps no longer than <see cref="SolverStepMs"/>.</summary>
    public int SubstepsFor(double recordingStepMs) => Math.Max(1, (int)Math.Ceiling(recordingStepMs / SolverStepMs * (1 - 1e-9)));

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad value and the accepted range.</summary>
    public HodgkinHuxleySimulationOptions Validate()
    {
        Parameters.Validate();
        if (!(SolverStepMs >= MinSolverStepMs && SolverStepMs <= MaxSolverStepMs))
        {
            throw new ArgumentOutOfRangeException(nameof(SolverStepMs), SolverStepMs,
                string.Create(CultureInfo.InvariantCulture, $"solver step {SolverStepMs} ms is outside [{MinSolverStepMs}, {MaxSolverStepMs}] ms"));
        }
        if (!double.IsFinite(InitialVoltageMv))
        {
            throw new ArgumentOutOfRangeException(nameof(InitialVoltageMv), InitialVoltageMv, "the initial voltage must be finite");
        }
        if (!Enum.IsDefined(Integrator))
        {
            throw new ArgumentOutOfRangeException(nameof(Integrator), Integrator, "unknown integrator");
        }
        return this;
    }
}

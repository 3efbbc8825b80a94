namespace NeuronSurrogate.Simulation;

/// <summary>
/// The reference path: one trace at a time, in double precision, written as plainly as the model's
/// definition (DESIGN section 3). Every faster path is tested against this one.
/// </summary>
public static class IzhikevichReferenceSimulator
{
    /// <summary>Simulates one trace.</summary>
    /// <param name="options">The neuron, dt and integrator (validated by the caller).</param>
    /// <param name="currents">The input current at each step; current t drives the update from step t to t + 1.</param>
    /// <param name="voltagesMv">Receives the recorded membrane potential of each step (exactly 30 mV on spike steps).</param>
    /// <param name="recovery">When not empty, receives u at each step (before a reset on a spike step).</param>
    /// <returns>The first step whose recorded state (v, u) is not finite, or −1 when the trace stayed finite.</returns>
    public static int Simulate(IzhikevichSimulationOptions options, ReadOnlySpan<double> currents, Span<double> voltagesMv, Span<double> recovery = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (voltagesMv.Length != currents.Length)
        {
            throw new ArgumentException($"voltage buffer has {voltagesMv.Length} steps, currents have {currents.Length}", nameof(voltagesMv));
        }
        bool recordRecovery = !recovery.IsEmpty;
        if (recordRecovery && recovery.Length != currents.Length)
        {
            throw new ArgumentException($"recovery buffer has {recovery.Length} steps, currents have {currents.Length}", nameof(recovery));
        }

        var p = options.Parameters;
        double dt = options.TimeStepMs;
        double halfDt = 0.5 * dt;
        bool halfStep = options.Integrator == IzhikevichIntegrator.HalfStep;
        double v = options.InitialVoltageMv;
        double u = options.InitialRecovery;
        int firstNonFinite = -1;

        for (int t = 0; t < currents.Length; t++)
        {
            if (firstNonFinite < 0 && !double.IsFinite(v + u))
            {
                firstNonFinite = t;
            }
            if (recordRecovery)
            {
                recovery[t] = u;
            }
            if (v >= IzhikevichModel.PeakMv)
            {
                // Spike: record the apex, reset, and do not integrate on this step (Izhikevich 2003, eq. 3).
                voltagesMv[t] = IzhikevichModel.PeakMv;
                v = p.C;
                u = u + p.D;
                continue;
            }
            voltagesMv[t] = v;
            double current = currents[t];
            if (halfStep)
            {
                v = v + halfDt * IzhikevichModel.VoltageDerivative(v, u, current);
                v = v + halfDt * IzhikevichModel.VoltageDerivative(v, u, current);
                u = u + dt * IzhikevichModel.RecoveryDerivative(v, u, p);
            }
            else
            {
                double dv = IzhikevichModel.VoltageDerivative(v, u, current);
                double du = IzhikevichModel.RecoveryDerivative(v, u, p);
                v = v + dt * dv;
                u = u + dt * du;
            }
        }
        return firstNonFinite;
    }

    /// <summary>The spike flag of a recorded step: 1 exactly where the spike apex (30 mV) was recorded.</summary>
    public static byte SpikeFlag(double recordedVoltageMv) => recordedVoltageMv == IzhikevichModel.PeakMv ? (byte)1 : (byte)0;
}

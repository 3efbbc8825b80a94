namespace NeuronSurrogate.Simulation;

/// <summary>
/// The Hodgkin–Huxley reference path: one trace at a time, written as plainly as NEURON steps its <c>hh</c>
/// mechanism in a single compartment (<see cref="HodgkinHuxleyIntegrator.Neuron"/>) or as textbook RK4. The
/// vectorized <see cref="HodgkinHuxleyBatchSimulator"/> is tested against it.
/// </summary>
public static class HodgkinHuxleyReferenceSimulator
{
    /// <summary>Simulates one trace recorded every <paramref name="recordingStepMs"/>.</summary>
    /// <param name="options">The neuron and integrator (validated by the caller).</param>
    /// <param name="recordingStepMs">The traces' dt in ms.</param>
    /// <param name="currentsNa">The injected current of each recorded step, nA; current k drives the steps from t_k to t_k+1.</param>
    /// <param name="voltagesMv">Receives v at each recorded step (v0 first).</param>
    /// <returns>The first recorded step whose state is not finite, or −1.</returns>
    public static int Simulate(HodgkinHuxleySimulationOptions options, double recordingStepMs, ReadOnlySpan<double> currentsNa, Span<double> voltagesMv)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (voltagesMv.Length != currentsNa.Length)
        {
            throw new ArgumentException($"voltage buffer has {voltagesMv.Length} steps, currents have {currentsNa.Length}", nameof(voltagesMv));
        }
        var p = options.Parameters;
        var rates = new HodgkinHuxleyRates(p.Q10Factor);
        bool neuron = options.Integrator == HodgkinHuxleyIntegrator.Neuron;
        int substeps = options.SubstepsFor(recordingStepMs);
        double dt = recordingStepMs / substeps;
        double v = options.InitialVoltageMv;
        var g0 = neuron ? rates.Table(v) : rates.Exact(v);
        double m = g0.MInf, h = g0.HInf, n = g0.NInf;
        double density = p.DensityPerNanoampere;
        int firstNonFinite = -1;
        for (int k = 0; k < currentsNa.Length; k++)
        {
            voltagesMv[k] = v;
            if (firstNonFinite < 0 && !double.IsFinite(v + m + h + n))
            {
                firstNonFinite = k;
            }
            double stimulus = currentsNa[k] * density;
            for (int s = 0; s < substeps; s++)
            {
                if (neuron)
                {
                    NeuronStep(p, rates, dt, stimulus, ref v, ref m, ref h, ref n);
                }
                else
                {
                    RungeKuttaStep(p, rates, dt, stimulus, ref v, ref m, ref h, ref n);
                }
            }
        }
        return firstNonFinite;
    }

    /// <summary>The membrane current density of the three channels, mA/cm² (<c>hh.mod</c>'s BREAKPOINT).</summary>
    public static double IonicCurrent(HodgkinHuxleyParameters p, double v, double m, double h, double n)
    {
        ArgumentNullException.ThrowIfNull(p);
        return Current(p, v, p.SodiumConductance * m * m * m * h, p.PotassiumConductance * n * n * n * n);
    }

    /// <summary>The channels' current density at <paramref name="v"/> for the sodium and potassium conductances <paramref name="gna"/> and <paramref name="gk"/>.</summary>
    private static double Current(HodgkinHuxleyParameters p, double v, double gna, double gk) =>
        gna * (v - p.SodiumReversalMv) + gk * (v - p.PotassiumReversalMv) + p.LeakConductance * (v - p.LeakReversalMv);

    /// <summary>
    /// One step of NEURON's fixed-step method (fadvance): the current at the present v and gates, backward Euler for
    /// v with the gates held (the membrane conductance g = gNa + gK + gL, which NEURON takes as the numerical
    /// derivative of the same linear current), then the exponential (cnexp) update of each gate at the new v.
    /// </summary>
    private static void NeuronStep(HodgkinHuxleyParameters p, HodgkinHuxleyRates rates, double dt, double stimulus, ref double v, ref double m, ref double h, ref double n)
    {
        double gna = p.SodiumConductance * m * m * m * h;
        double gk = p.PotassiumConductance * n * n * n * n;
        double current = Current(p, v, gna, gk);
        double diagonal = 0.001 * p.CapacitanceUfPerCm2 / dt + (gna + gk + p.LeakConductance);
        v += (stimulus - current) / diagonal;
        var g = rates.Table(v);
        m = Cnexp(m, g.MInf, g.MTau, dt);
        h = Cnexp(h, g.HInf, g.HTau, dt);
        n = Cnexp(n, g.NInf, g.NTau, dt);
    }

    /// <summary>The exact step of x' = (x∞ − x)/τ with x∞ and τ held: x + (1 − e^(−dt/τ)) (x∞ − x) (nocmodl's cnexp).</summary>
    private static double Cnexp(double x, double inf, double tau, double dt) => x + (1.0 - PortableExp.Exp(-dt / tau)) * (inf - x);

    private static void RungeKuttaStep(HodgkinHuxleyParameters p, HodgkinHuxleyRates rates, double dt, double stimulus, ref double v, ref double m, ref double h, ref double n)
    {
        var k1 = Derivative(p, rates, stimulus, v, m, h, n);
        var k2 = Derivative(p, rates, stimulus, v + 0.5 * dt * k1.V, m + 0.5 * dt * k1.M, h + 0.5 * dt * k1.H, n + 0.5 * dt * k1.N);
        var k3 = Derivative(p, rates, stimulus, v + 0.5 * dt * k2.V, m + 0.5 * dt * k2.M, h + 0.5 * dt * k2.H, n + 0.5 * dt * k2.N);
        var k4 = Derivative(p, rates, stimulus, v + dt * k3.V, m + dt * k3.M, h + dt * k3.H, n + dt * k3.N);
        v += dt / 6 * (k1.V + 2 * k2.V + 2 * k3.V + k4.V);
        m += dt / 6 * (k1.M + 2 * k2.M + 2 * k3.M + k4.M);
        h += dt / 6 * (k1.H + 2 * k2.H + 2 * k3.H + k4.H);
        n += dt / 6 * (k1.N + 2 * k2.N + 2 * k3.N + k4.N);
    }

    /// <summary>dv/dt (mV/ms) and the gates' derivatives: cm dv/dt = 1000 (i_stim − i_ion) in NEURON's units.</summary>
    private static (double V, double M, double H, double N) Derivative(HodgkinHuxleyParameters p, HodgkinHuxleyRates rates, double stimulus, double v, double m, double h, double n)
    {
        var g = rates.Exact(v);
        double dv = 1000 * (stimulus - IonicCurrent(p, v, m, h, n)) / p.CapacitanceUfPerCm2;
        return (dv, (g.MInf - m) / g.MTau, (g.HInf - h) / g.HTau, (g.NInf - n) / g.NTau);
    }
}

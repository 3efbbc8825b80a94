namespace NeuronSurrogate.Simulation;

/// <summary>
/// The constants of the Izhikevich (2003) model equation dv/dt = 0.04v² + 5v + 140 − u + I
/// (E. M. Izhikevich, IEEE Trans. Neural Networks 14(6):1569–1572, 2003, eq. 1–3).
/// </summary>
public static class IzhikevichModel
{
    /// <summary>Coefficient of v² (1/(mV·ms)), fitted by Izhikevich to cortical spike initiation.</summary>
    public const double QuadraticCoefficient = 0.04;

    /// <summary>Coefficient of v (1/ms).</summary>
    public const double LinearCoefficient = 5.0;

    /// <summary>Constant term (mV/ms).</summary>
    public const double ConstantTerm = 140.0;

    /// <summary>The spike apex: v ≥ 30 mV is a spike, recorded as exactly 30 mV, then reset (eq. 3).</summary>
    public const double PeakMv = 30.0;

    /// <summary>The initial membrane potential of the 2003 paper's simulations, v0 = −65 mV.</summary>
    public const double InitialVoltageMv = -65.0;

    /// <summary>dv/dt in the order every path of this project evaluates it, so that all paths agree bit for bit.</summary>
    public static double VoltageDerivative(double v, double u, double current) =>
        QuadraticCoefficient * v * v + LinearCoefficient * v + ConstantTerm - u + current;

    /// <summary>du/dt = a(bv − u).</summary>
    public static double RecoveryDerivative(double v, double u, in IzhikevichParameters p) => p.A * (p.B * v - u);
}

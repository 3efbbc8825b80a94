namespace NeuronSurrogate.Simulation;

/// <summary>
/// The gate kinetics of NEURON's <c>hh.mod</c> (Hodgkin and Huxley 1952): steady states and time constants of
/// m, h and n, computed exactly, and the lookup table NEURON builds from them (<c>TABLE ... FROM −100 TO 100 WITH
/// 200</c>: 201 points 1 mV apart, linear interpolation, the end values outside the range), which NEURON uses by default.
/// Exponentials come from <see cref="PortableExp"/> (within about 1 ulp of the C library's, which NEURON uses).
/// </summary>
public sealed class HodgkinHuxleyRates
{
    /// <summary>The table's range and points, as in <c>hh.mod</c>.</summary>
    public const double TableMinMv = -100, TableMaxMv = 100;

    /// <summary>The table's intervals.</summary>
    public const int TableIntervals = 200;

    private readonly double[] _mInf, _mTau, _hInf, _hTau, _nInf, _nTau;
    private readonly double _q10;

    /// <summary>Builds the table for a temperature factor.</summary>
    public HodgkinHuxleyRates(double q10)
    {
        _q10 = q10;
        _mInf = new double[TableIntervals + 1];
        _mTau = new double[TableIntervals + 1];
        _hInf = new double[TableIntervals + 1];
        _hTau = new double[TableIntervals + 1];
        _nInf = new double[TableIntervals + 1];
        _nTau = new double[TableIntervals + 1];
        double dx = (TableMaxMv - TableMinMv) / TableIntervals;
        // Accumulated as nocmodl's generated loop does (x += dx), so the points are NEURON's to the bit.
        double x = TableMinMv;
        for (int i = 0; i <= TableIntervals; i++, x += dx)
        {
            var g = Exact(x);
            (_mInf[i], _mTau[i], _hInf[i], _hTau[i], _nInf[i], _nTau[i]) = (g.MInf, g.MTau, g.HInf, g.HTau, g.NInf, g.NTau);
        }
    }

    /// <summary>The tables, for vectorized lookups: m∞, τm, h∞, τh, n∞, τn.</summary>
    internal (double[] MInf, double[] MTau, double[] HInf, double[] HTau, double[] NInf, double[] NTau) Tables => (_mInf, _mTau, _hInf, _hTau, _nInf, _nTau);

    /// <summary>The steady states and time constants (ms) at <paramref name="v"/> mV, computed as <c>hh.mod</c>'s <c>rates</c>.</summary>
    public GateRates Exact(double v)
    {
        double alpha = 0.1 * VTrap(-(v + 40), 10);
        double beta = 4 * PortableExp.Exp(-(v + 65) / 18);
        double sum = alpha + beta;
        double mTau = 1 / (_q10 * sum), mInf = alpha / sum;
        alpha = 0.07 * PortableExp.Exp(-(v + 65) / 20);
        beta = 1 / (PortableExp.Exp(-(v + 35) / 10) + 1);
        sum = alpha + beta;
        double hTau = 1 / (_q10 * sum), hInf = alpha / sum;
        alpha = 0.01 * VTrap(-(v + 55), 10);
        beta = 0.125 * PortableExp.Exp(-(v + 65) / 80);
        sum = alpha + beta;
        double nTau = 1 / (_q10 * sum), nInf = alpha / sum;
        return new GateRates(mInf, mTau, hInf, hTau, nInf, nTau);
    }

    /// <summary>The rates at <paramref name="v"/> mV from NEURON's table, interpolated exactly as nocmodl's generated code does.</summary>
    public GateRates Table(double v)
    {
        double xi = (TableIntervals / (TableMaxMv - TableMinMv)) * (v - TableMinMv);
        if (double.IsNaN(xi))
        {
            return new GateRates(xi, xi, xi, xi, xi, xi);
        }
        if (xi <= 0)
        {
            return At(0);
        }
        if (xi >= TableIntervals)
        {
            return At(TableIntervals);
        }
        int i = (int)xi;
        double theta = xi - i;
        return new GateRates(
            _mInf[i] + theta * (_mInf[i + 1] - _mInf[i]), _mTau[i] + theta * (_mTau[i + 1] - _mTau[i]),
            _hInf[i] + theta * (_hInf[i + 1] - _hInf[i]), _hTau[i] + theta * (_hTau[i + 1] - _hTau[i]),
            _nInf[i] + theta * (_nInf[i + 1] - _nInf[i]), _nTau[i] + theta * (_nTau[i + 1] - _nTau[i]));

        GateRates At(int k) => new(_mInf[k], _mTau[k], _hInf[k], _hTau[k], _nInf[k], _nTau[k]);
    }

    /// <summary><c>hh.mod</c>'s guard against 0/0 in the rates: x / (e^(x/y) − 1), and its limit near x = 0.</summary>
    public static double VTrap(double x, double y) => Math.Abs(x / y) < 1e-6 ? y * (1 - x / y / 2) : x / (PortableExp.Exp(x / y) - 1);
}

namespace NeuronSurrogate.Tests;

/// <summary>
/// A second implementation of DESIGN section 3's rule, written from the text and not from the library: the
/// state is a tuple, the spike test and the update are separate functions, and the half-step scheme follows
/// Izhikevich's (2003) MATLAB code line by line. Tests hold the library to it.
/// </summary>
internal static class IndependentIzhikevich
{
    public static (double[] Recorded, int[] SpikeSteps) Run(double a, double b, double c, double d, double dt, double[] current, bool halfStep = false, double v0 = -65)
    {
        var state = (v: v0, u: b * v0);
        var recorded = new double[current.Length];
        var spikes = new List<int>();
        for (int step = 0; step < current.Length; step++)
        {
            bool fired = state.v >= 30;
            recorded[step] = fired ? 30 : state.v;
            if (fired)
            {
                spikes.Add(step);
                state = (c, state.u + d);
            }
            else
            {
                state = halfStep ? HalfStep(state, current[step]) : Euler(state, current[step]);
            }
        }
        return (recorded, spikes.ToArray());

        (double v, double u) Euler((double v, double u) s, double i) =>
            (s.v + dt * (0.04 * s.v * s.v + 5 * s.v + 140 - s.u + i), s.u + dt * (a * (b * s.v - s.u)));

        (double v, double u) HalfStep((double v, double u) s, double i)
        {
            // v=v+0.5*(0.04*v.^2+5*v+140-u+I); twice, then u=u+a.*(b.*v-u), with the step dt for the 1 ms of the paper.
            double v = s.v + dt / 2 * (0.04 * s.v * s.v + 5 * s.v + 140 - s.u + i);
            v = v + dt / 2 * (0.04 * v * v + 5 * v + 140 - s.u + i);
            return (v, s.u + dt * (a * (b * v - s.u)));
        }
    }
}

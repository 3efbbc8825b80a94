namespace NeuronSurrogate.Simulation;

/// <summary>How the Hodgkin–Huxley neuron is stepped.</summary>
public enum HodgkinHuxleyIntegrator
{
    /// <summary>
    /// NEURON's default fixed-step scheme: backward Euler for v with the gates held (the membrane conductance from
    /// NEURON's own numerical derivative of the current), then the exponential ("cnexp") update of each gate at the
    /// new v, with the rates from NEURON's 1 mV tables of <c>hh.mod</c>. This is the reference the tests hold against NEURON.
    /// </summary>
    Neuron,

    /// <summary>Classical fourth-order Runge–Kutta on (v, m, h, n) with the rates computed exactly (no tables).</summary>
    RungeKutta4,
}

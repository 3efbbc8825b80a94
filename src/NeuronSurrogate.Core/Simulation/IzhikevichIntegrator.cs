namespace NeuronSurrogate.Simulation;

/// <summary>How a step of the Izhikevich model is integrated between resets.</summary>
public enum IzhikevichIntegrator
{
    /// <summary>
    /// Forward Euler on (v, u) with the step dt, both updated from the values at the start of the step.
    /// The project's reference semantics (DESIGN section 3), compatible with the prototype's data.
    /// </summary>
    Euler,

    /// <summary>
    /// Izhikevich's own scheme (2003, the MATLAB code of Fig. 3): v advanced in two half steps of dt/2
    /// "for numerical stability", then u advanced by dt from the new v.
    /// </summary>
    HalfStep,
}

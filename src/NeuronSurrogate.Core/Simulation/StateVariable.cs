namespace NeuronSurrogate.Simulation;

/// <summary>One state variable of a neuron model.</summary>
/// <param name="Name">Its name in the model's equations (v, u, m, h, n).</param>
/// <param name="Unit">Its unit ("mV", "1" for gates and Izhikevich's u).</param>
/// <param name="Initial">Its value at t = 0.</param>
/// <param name="Meaning">What it is, in a few words.</param>
public sealed record StateVariable(string Name, string Unit, double Initial, string Meaning);

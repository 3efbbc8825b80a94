namespace NeuronSurrogate.Simulation;

/// <summary>A trace whose state stopped being finite (NaN or infinity), and the first step where it did.</summary>
/// <param name="Trace">The index of the trace in its batch.</param>
/// <param name="Step">The first step whose recorded state (v, u) is not finite.</param>
public readonly record struct TraceDivergence(int Trace, int Step);

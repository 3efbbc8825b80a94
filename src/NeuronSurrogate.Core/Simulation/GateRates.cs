namespace NeuronSurrogate.Simulation;

/// <summary>Steady states and time constants (ms) of the three gates at one voltage.</summary>
public readonly record struct GateRates(double MInf, double MTau, double HInf, double HTau, double NInf, double NTau);

namespace NeuronSurrogate.Inference;

/// <summary>A trace whose rollout diverged (NaN, or beyond ±1000 mV) and was stopped.</summary>
public readonly record struct PredictionDivergence(long Run, long Neuron, int Step, double TimeMs);

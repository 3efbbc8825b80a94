namespace NeuronSurrogate.Train;

/// <summary>A latent surrogate's scores on the test runs, its closed-loop voltages there, and its two consistency checks.</summary>
internal sealed record LatentEvaluation(ModelResult Result, double[] ClosedLoop, int RolloutSame, int RolloutTraces, double Parity, double FusedParity, int Diverged);

namespace NeuronSurrogate.Inference;

/// <summary>What <see cref="TraceFilePredictor.Run"/> did.</summary>
public sealed record PredictionSummary(long Rows, int Traces, long Spikes, IReadOnlyList<PredictionDivergence> Divergences);

namespace NeuronSurrogate.Inference;

/// <summary>
/// What <see cref="TraceFilePredictor.Run"/> did: rows, traces and predicted spikes written, the traces that diverged, and one
/// line per way the input left the model's training envelope (none when it stayed inside, or the card records no envelope).
/// </summary>
public sealed record PredictionSummary(long Rows, int Traces, long Spikes, IReadOnlyList<PredictionDivergence> Divergences, IReadOnlyList<string> EnvelopeWarnings);

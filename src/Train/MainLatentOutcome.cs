using NeuronSurrogate.Cards;

namespace NeuronSurrogate.Train;

/// <summary>The main job's latent surrogate: its scores and checks on the test runs, its card, how many validations chose it, and the out-of-distribution suite.</summary>
internal sealed record MainLatentOutcome(LatentEvaluation Evaluation, LatentModelCard Card, int Validations, Inference.OodResult OutOfDistribution);

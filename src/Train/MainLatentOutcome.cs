using NeuronSurrogate.Cards;

namespace NeuronSurrogate.Train;

/// <summary>The main job's latent surrogate: its scores and checks on the test runs, its card, and how many validations chose it.</summary>
internal sealed record MainLatentOutcome(LatentEvaluation Evaluation, LatentModelCard Card, int Validations);

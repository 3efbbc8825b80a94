using NeuronSurrogate.Cards;

namespace NeuronSurrogate.Train;

/// <summary>What a latent job trained: the shipped seed, every seed's scores, and the shipped card.</summary>
internal sealed record LatentOutcome(SeedEvaluation Shipped, IReadOnlyList<SeedEvaluation> Evaluations, LatentModelCard Card);

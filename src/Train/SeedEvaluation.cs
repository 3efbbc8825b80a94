namespace NeuronSurrogate.Train;

/// <summary>One seed's exported graphs and test scores; <paramref name="Shipped"/> for the seed chosen on validation.</summary>
internal sealed record SeedEvaluation(SeedRun Seed, LatentExport Export, LatentEvaluation Evaluation, bool Shipped);

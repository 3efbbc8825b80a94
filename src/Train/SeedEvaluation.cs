namespace NeuronSurrogate.Train;

/// <summary>
/// One seed's exported graphs and test scores; <paramref name="Shipped"/> for the seed chosen on validation;
/// <paramref name="LibraryTest"/> its closed-loop scores on the stimulus library's test runs in a combined job.
/// </summary>
internal sealed record SeedEvaluation(SeedRun Seed, LatentExport Export, LatentEvaluation Evaluation, bool Shipped, Metrics.MetricSummary? LibraryTest = null);

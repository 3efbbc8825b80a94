using NeuronSurrogate.Metrics;

namespace NeuronSurrogate.Train;

/// <summary>The suites that need the simulator: the f–I curve, the out-of-distribution suite, and for Izhikevich the held-out mixed set.</summary>
/// <param name="FiCurve">The f–I curve against the simulator's.</param>
/// <param name="MixedHeldOut">Izhikevich: the held-out mixed set.</param>
/// <param name="OutOfDistribution">The out-of-distribution suite's test part (seed 2222).</param>
/// <param name="OutOfDistributionValidation">Its validation part (seed 3333), the one training choices are made on.</param>
internal sealed record LatentSuites(IReadOnlyList<FiPoint>? FiCurve, MetricSummary? MixedHeldOut, Inference.OodResult? OutOfDistribution = null,
    Inference.OodResult? OutOfDistributionValidation = null);

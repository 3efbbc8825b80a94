using NeuronSurrogate.Metrics;

namespace NeuronSurrogate.Train;

/// <summary>The suites that need the simulator: the f–I curve, the out-of-distribution suite, and for Izhikevich the held-out mixed set.</summary>
internal sealed record LatentSuites(IReadOnlyList<FiPoint>? FiCurve, MetricSummary? MixedHeldOut, Inference.OodResult? OutOfDistribution = null);

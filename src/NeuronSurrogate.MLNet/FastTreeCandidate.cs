using NeuronSurrogate.Metrics;

namespace NeuronSurrogate.MLNet;

/// <summary>One FastTree setting tried, with its closed-loop score on the validation runs.</summary>
public sealed record FastTreeCandidate(FastTreeSettings Settings, MetricSummary Validation);

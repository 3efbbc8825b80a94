using NeuronSurrogate.Metrics;
using NeuronSurrogate.MLNet;

namespace NeuronSurrogate.Train;

/// <summary>One FastTree setting tried, with its closed-loop score on the validation runs.</summary>
internal sealed record FastTreeCandidate(FastTreeSettings Settings, MetricSummary Validation);

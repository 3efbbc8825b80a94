using NeuronSurrogate.MLNet;

namespace NeuronSurrogate.Train;

/// <summary>The FastTree baseline's test scores, its closed-loop test voltages, and every setting tried on the validation runs.</summary>
internal sealed record FastTreeOutcome(ModelResult Result, double[] ClosedLoop, IReadOnlyList<FastTreeCandidate> Candidates);

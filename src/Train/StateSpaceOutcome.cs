using NeuronSurrogate.Torch;

namespace NeuronSurrogate.Train;

/// <summary>
/// The state-space MLP's test scores, its closed-loop test voltages, its training history, and its two consistency
/// checks: test traces on which the rollout graph gives the C# loop's spike times, and the largest relative difference of
/// one step between the graph and the trained module.
/// </summary>
internal sealed record StateSpaceOutcome(ModelResult Result, double[] ClosedLoop, IReadOnlyList<EpochReport> History, int RolloutSame, int RolloutTraces, double Parity);

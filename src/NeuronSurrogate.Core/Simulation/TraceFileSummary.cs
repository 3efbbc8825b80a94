namespace NeuronSurrogate.Simulation;

/// <summary>What <see cref="TraceFileSimulator.Run"/> did.</summary>
/// <param name="Rows">Rows written.</param>
/// <param name="Traces">Traces simulated.</param>
/// <param name="Spikes">Spikes recorded over all traces.</param>
public readonly record struct TraceFileSummary(long Rows, int Traces, long Spikes);

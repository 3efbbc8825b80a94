using NeuronSurrogate.Data;
using NeuronSurrogate.MLNet;

namespace NeuronSurrogate.Train;

/// <summary>A dataset split by run, each side as traces.</summary>
internal sealed record SplitTraces(RunSplit Split, TraceSet Train, TraceSet Validation, TraceSet Test);

using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Inference;

/// <summary>A state-space surrogate (<see cref="StateSpaceModelCard"/>, <see cref="StateSpaceSpec"/>): one-step increments of the state with the peak → reset rule.</summary>
/// <remarks>Ownership: owns its session; dispose it.</remarks>
public sealed class StateSpaceSurrogate : ISurrogate
{
    private readonly OnnxStatePredictor _predictor;
    private readonly StateSpaceSpec _spec;

    /// <summary>A shipped model: the graph and its card.</summary>
    public StateSpaceSurrogate(string modelPath, string cardPath, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
        : this(modelPath, StateSpaceModelCard.Read(cardPath), provider, warn)
    {
    }

    /// <summary>A graph and the spec it computes, before a card is written (the trainer scores it to fill the card).</summary>
    public StateSpaceSurrogate(string modelPath, StateSpaceSpec spec, string stateInput, string incrementOutput, OnnxProvider provider = OnnxProvider.Cpu,
        Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ModelPath = modelPath;
        _spec = spec;
        _predictor = new OnnxStatePredictor(modelPath, stateInput, incrementOutput, provider, warn);
    }

    private StateSpaceSurrogate(string modelPath, StateSpaceModelCard card, OnnxProvider provider, Action<string>? warn)
        : this(modelPath, card.ToSpec(), card.Inputs[0].Name, card.Outputs[0].Name, provider, warn)
    {
    }

    public string ModelPath { get; }

    /// <summary>The one-step graph the rollouts step (for checks against the trained module).</summary>
    public IStatePredictor OneStep => _predictor;

    public string Format => StateSpaceModelCard.FormatName;

    public double TimeStepMs => _spec.TimeStepMs;

    public IReadOnlyList<string> InputColumns { get; } = [TraceColumns.Current];

    public IReadOnlyList<string> TeacherForcedColumns { get; } = [TraceColumns.Voltage, TraceColumns.Recovery];

    public int[] Predict(PredictionMode mode, IReadOnlyDictionary<string, double[]> columns, double[] predictionsMv, int traceCount)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (mode == PredictionMode.ClosedLoop)
        {
            return StateSpaceRollout.ClosedLoop(_predictor, columns[TraceColumns.Current], predictionsMv, traceCount, _spec);
        }
        StateSpaceRollout.TeacherForced(_predictor, columns[TraceColumns.Current], columns[TraceColumns.Voltage], columns[TraceColumns.Recovery],
            predictionsMv, traceCount, _spec);
        return Enumerable.Repeat(-1, traceCount).ToArray();
    }

    public void Dispose() => _predictor.Dispose();
}

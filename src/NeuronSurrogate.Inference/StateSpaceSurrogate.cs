using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Inference;

/// <summary>A state-space surrogate (<see cref="StateSpaceModelCard"/>): (v, u, I) → (Δv, Δu) with the peak → reset rule.</summary>
/// <remarks>Ownership: owns its session; dispose it.</remarks>
public sealed class StateSpaceSurrogate : ISurrogate
{
    private readonly OnnxStatePredictor _predictor;
    private readonly StateSpaceModelCard _card;
    private readonly SpikeResetRule _rule;

    public StateSpaceSurrogate(string modelPath, string cardPath, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
    {
        ModelPath = modelPath;
        _card = StateSpaceModelCard.Read(cardPath);
        _rule = _card.ToRule();
        _predictor = new OnnxStatePredictor(modelPath, _card.Inputs[0].Name, _card.Outputs[0].Name, provider, warn);
    }

    public string ModelPath { get; }

    public string Format => StateSpaceModelCard.FormatName;

    public double TimeStepMs => _card.State.TimeStepMs;

    public IReadOnlyList<string> InputColumns { get; } = [TraceColumns.Current];

    public IReadOnlyList<string> TeacherForcedColumns { get; } = [TraceColumns.Voltage, TraceColumns.Recovery];

    public int[] Predict(PredictionMode mode, IReadOnlyDictionary<string, double[]> columns, double[] predictionsMv, int traceCount)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var state = _card.State;
        if (mode == PredictionMode.ClosedLoop)
        {
            return StateSpaceRollout.ClosedLoop(_predictor, columns[TraceColumns.Current], predictionsMv, traceCount, _rule, state.InitialVoltageMv, state.InitialRecovery);
        }
        StateSpaceRollout.TeacherForced(_predictor, columns[TraceColumns.Current], columns[TraceColumns.Voltage], columns[TraceColumns.Recovery],
            predictionsMv, traceCount, _rule, state.InitialVoltageMv);
        return Enumerable.Repeat(-1, traceCount).ToArray();
    }

    public void Dispose() => _predictor.Dispose();
}

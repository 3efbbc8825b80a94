using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Inference;

/// <summary>A state-space surrogate (<see cref="StateSpaceModelCard"/>, <see cref="StateSpaceSpec"/>): one-step increments of the state with the peak → reset rule.</summary>
/// <remarks>Ownership: owns its session; dispose it.</remarks>
public sealed class StateSpaceSurrogate : ISurrogate
{
    private readonly OnnxStatePredictor _predictor;
    private readonly StateSpaceModelCard _card;
    private readonly StateSpaceSpec _spec;

    public StateSpaceSurrogate(string modelPath, string cardPath, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
    {
        ModelPath = modelPath;
        _card = StateSpaceModelCard.Read(cardPath);
        _spec = _card.ToSpec();
        _predictor = new OnnxStatePredictor(modelPath, _card.Inputs[0].Name, _card.Outputs[0].Name, provider, warn);
    }

    public string ModelPath { get; }

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

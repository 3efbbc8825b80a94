using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Features;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Inference;

/// <summary>A voltage-lag (NARX) surrogate such as the FastTree baseline (<see cref="VoltageLagModelCard"/>).</summary>
/// <remarks>Ownership: owns its session; dispose it.</remarks>
public sealed class VoltageLagSurrogate : ISurrogate
{
    private readonly OnnxOneStepPredictor _predictor;
    private readonly SpikeResetRule _rule;

    public VoltageLagSurrogate(string modelPath, string cardPath, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
    {
        ModelPath = modelPath;
        var card = VoltageLagModelCard.Read(cardPath);
        Spec = card.Features.ToSpec();
        _rule = new SpikeResetRule(card.Rule.PeakMv, card.Rule.ResetMv, card.Rule.RecoveryIncrement);
        _predictor = new OnnxOneStepPredictor(modelPath, card.Inputs[0].Name, card.Outputs[0].Name, provider, warn);
        if (_predictor.FeatureCount != Spec.Count)
        {
            _predictor.Dispose();
            throw InputException.InColumn(cardPath, "features", null,
                $"a card that matches its graph: the card lists {Spec.Count} features, {modelPath} takes {_predictor.FeatureCount}");
        }
    }

    /// <summary>The features the graph reads.</summary>
    public FeatureSpec Spec { get; }

    public string ModelPath { get; }

    public string Format => VoltageLagModelCard.FormatName;

    public double TimeStepMs => Spec.TimeStepMs;

    public IReadOnlyList<string> InputColumns { get; } = [TraceColumns.Current];

    public IReadOnlyList<string> TeacherForcedColumns { get; } = [TraceColumns.Voltage];

    public int[] Predict(PredictionMode mode, IReadOnlyDictionary<string, double[]> columns, double[] predictionsMv, int traceCount)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (mode == PredictionMode.ClosedLoop)
        {
            return VoltageLagRollout.ClosedLoop(Spec, _predictor, columns[TraceColumns.Current], predictionsMv, traceCount, _rule);
        }
        VoltageLagRollout.TeacherForced(Spec, _predictor, columns[TraceColumns.Current], columns[TraceColumns.Voltage], predictionsMv, traceCount, _rule);
        return Enumerable.Repeat(-1, traceCount).ToArray();
    }

    public void Dispose() => _predictor.Dispose();
}

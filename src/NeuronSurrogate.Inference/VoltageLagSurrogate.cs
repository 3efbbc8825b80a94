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

    /// <summary>A shipped model: the graph and its card.</summary>
    public VoltageLagSurrogate(string modelPath, string cardPath, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
        : this(modelPath, VoltageLagModelCard.Read(cardPath), cardPath, provider, warn)
    {
    }

    /// <summary>A graph, the features it reads and the rule around it, before a card is written (the trainer scores it to fill the card).</summary>
    public VoltageLagSurrogate(string modelPath, FeatureSpec spec, SpikeResetRule rule, string featureInput, string output,
        OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
        : this(modelPath, spec, rule, featureInput, output, modelPath, provider, warn)
    {
    }

    private VoltageLagSurrogate(string modelPath, VoltageLagModelCard card, string cardPath, OnnxProvider provider, Action<string>? warn)
        : this(modelPath, card.Features.ToSpec(), new SpikeResetRule(card.Rule.PeakMv, card.Rule.ResetMv, card.Rule.RecoveryIncrement),
            card.Inputs[0].Name, card.Outputs[0].Name, cardPath, provider, warn)
    {
    }

    private VoltageLagSurrogate(string modelPath, FeatureSpec spec, SpikeResetRule rule, string featureInput, string output, string describedIn,
        OnnxProvider provider, Action<string>? warn)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ModelPath = modelPath;
        Spec = spec;
        _rule = rule;
        _predictor = new OnnxOneStepPredictor(modelPath, featureInput, output, provider, warn);
        if (_predictor.FeatureCount != Spec.Count)
        {
            _predictor.Dispose();
            throw InputException.InColumn(describedIn, "features", null,
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

using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Inference;

/// <summary>
/// A shipped surrogate (ONNX graph + its card) ready to predict batches of traces: a state-space model
/// (<c>neuron-surrogate.state-space-card/1</c>) or a voltage-lag model such as the FastTree baseline
/// (<c>neuron-surrogate.voltage-lag-card/1</c>). The card is the file beside the graph with the extension <c>.json</c>.
/// </summary>
/// <remarks>Ownership: owns its ONNX Runtime session; dispose it.</remarks>
public sealed class SurrogateModel : IDisposable
{
    private readonly OnnxStatePredictor? _state;
    private readonly OnnxOneStepPredictor? _lag;
    private readonly StateSpaceModelCard? _stateCard;
    private readonly VoltageLagModelCard? _lagCard;

    private SurrogateModel(string path, string cardPath, OnnxProvider provider, Action<string>? warn)
    {
        ModelPath = path;
        CardPath = cardPath;
        string format = StateSpaceModelCard.FormatOf(cardPath);
        if (format == StateSpaceModelCard.FormatName)
        {
            _stateCard = StateSpaceModelCard.Read(cardPath);
            _state = new OnnxStatePredictor(path, _stateCard.Inputs[0].Name, _stateCard.Outputs[0].Name, provider, warn);
            TimeStepMs = _stateCard.State.TimeStepMs;
            Rule = _stateCard.ToRule();
        }
        else if (format == VoltageLagModelCard.FormatName)
        {
            _lagCard = VoltageLagModelCard.Read(cardPath);
            Spec = _lagCard.Features.ToSpec();
            _lag = new OnnxOneStepPredictor(path, _lagCard.Inputs[0].Name, _lagCard.Outputs[0].Name, provider, warn);
            if (_lag.FeatureCount != Spec.Count)
            {
                _lag.Dispose();
                throw new InputException(cardPath, null, null, "features", null,
                    $"a card that matches its graph: the card lists {Spec.Count} features, {path} takes {_lag.FeatureCount}");
            }
            TimeStepMs = Spec.TimeStepMs;
            Rule = new SpikeResetRule(_lagCard.Rule.PeakMv, _lagCard.Rule.ResetMv, _lagCard.Rule.RecoveryIncrement);
        }
        else
        {
            throw new InputException(cardPath, null, null, "format", format,
                $"a card of format {StateSpaceModelCard.FormatName} or {VoltageLagModelCard.FormatName}");
        }
    }

    /// <summary>Opens <paramref name="modelPath"/> and the card beside it.</summary>
    /// <exception cref="InputException">The graph or the card is missing, unreadable, or they do not match.</exception>
    public static SurrogateModel Open(string modelPath, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
    {
        if (string.IsNullOrWhiteSpace(modelPath) || !File.Exists(modelPath))
        {
            throw InputException.About(modelPath, "an existing ONNX model file");
        }
        return new SurrogateModel(modelPath, Path.ChangeExtension(modelPath, ".json"), provider, warn);
    }

    public string ModelPath { get; }

    public string CardPath { get; }

    /// <summary>The step the model was trained at; inputs must have it.</summary>
    public double TimeStepMs { get; }

    /// <summary>The peak → reset rule.</summary>
    public SpikeResetRule Rule { get; }

    /// <summary>Whether this is a state-space model (teacher forcing then needs the true recovery too).</summary>
    public bool IsStateSpace => _state is not null;

    /// <summary>The features of a voltage-lag model.</summary>
    public Features.FeatureSpec? Spec { get; }

    /// <summary>Predicts a batch of equal-length traces (trace-major).</summary>
    /// <returns>Per trace, the step where the rollout diverged, or −1.</returns>
    public int[] Predict(PredictionMode mode, double[] currents, double[]? voltages, double[]? recovery, double[] predictions, int traceCount)
    {
        ArgumentNullException.ThrowIfNull(currents);
        ArgumentNullException.ThrowIfNull(predictions);
        if (_state is not null)
        {
            var state = _stateCard!.State;
            if (mode == PredictionMode.ClosedLoop)
            {
                return StateSpaceRollout.ClosedLoop(_state, currents, predictions, traceCount, Rule, state.InitialVoltageMv, state.InitialRecovery);
            }
            StateSpaceRollout.TeacherForced(_state, currents, voltages!, recovery!, predictions, traceCount, Rule, state.InitialVoltageMv);
            return new int[traceCount].Select(_ => -1).ToArray();
        }
        if (mode == PredictionMode.ClosedLoop)
        {
            return VoltageLagRollout.ClosedLoop(Spec!, _lag!, currents, predictions, traceCount, Rule);
        }
        VoltageLagRollout.TeacherForced(Spec!, _lag!, currents, voltages!, predictions, traceCount, Rule);
        return new int[traceCount].Select(_ => -1).ToArray();
    }

    public void Dispose()
    {
        _state?.Dispose();
        _lag?.Dispose();
    }
}

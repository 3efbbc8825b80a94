using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Inference;

/// <summary>
/// A latent surrogate (<see cref="LatentModelCard"/>): it reads only the currents named in its card and its own state,
/// stepped in <see cref="LatentRollout"/> by the fused CPU engine that reads the one-step graph's weights
/// (<see cref="FusedLatentStepper"/>, the default) or by ONNX Runtime running the graph.
/// </summary>
/// <remarks>Ownership: owns its engine; dispose it.</remarks>
public sealed class LatentSurrogate : ISurrogate
{
    private readonly ILatentStepper _stepper;

    /// <summary>A shipped model: the graph and its card.</summary>
    public LatentSurrogate(string modelPath, string cardPath, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null,
        SurrogateEngine engine = SurrogateEngine.Fused)
        : this(modelPath, LatentModelCard.Read(cardPath), cardPath, provider, warn, engine)
    {
    }

    private LatentSurrogate(string modelPath, LatentModelCard card, string cardPath, OnnxProvider provider, Action<string>? warn, SurrogateEngine engine)
        : this(modelPath, card.ToSpec(cardPath), provider, warn, engine)
    {
        Envelope = card.Envelope;
    }

    /// <inheritdoc />
    public CardEnvelope? Envelope { get; }

    /// <summary>A graph and the spec it computes, before a card is written (the trainer scores it to fill the card).</summary>
    public LatentSurrogate(string modelPath, LatentSpec spec, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null,
        SurrogateEngine engine = SurrogateEngine.Fused)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ModelPath = modelPath;
        Spec = spec;
        // The GPU provider is ONNX Runtime's; the fused engine is the CPU's.
        Engine = engine == SurrogateEngine.Fused && provider == OnnxProvider.Cpu ? SurrogateEngine.Fused : SurrogateEngine.Onnx;
        _stepper = Engine == SurrogateEngine.Fused ? new FusedLatentStepper(modelPath, Spec) : new OnnxLatentStepper(modelPath, Spec, provider, warn);
        InputColumns = Spec.Inputs.Select(i => i.Column).ToArray();
    }

    /// <summary>The layout the graph computes.</summary>
    public LatentSpec Spec { get; }

    public string ModelPath { get; }

    /// <summary>What computes the steps.</summary>
    public SurrogateEngine Engine { get; }

    /// <summary>The engine the rollouts step (for checks against the trained module).</summary>
    public ILatentStepper OneStep => _stepper;

    public string Format => LatentModelCard.FormatName;

    public double TimeStepMs => Spec.TimeStepMs;

    public IReadOnlyList<string> InputColumns { get; }

    public IReadOnlyList<string> TeacherForcedColumns { get; } = [TraceColumns.Voltage];

    public int[] Predict(PredictionMode mode, IReadOnlyDictionary<string, double[]> columns, double[] predictionsMv, int traceCount)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var inputs = InputColumns.Select(c => columns[c]).ToArray();
        return mode == PredictionMode.ClosedLoop
            ? LatentRollout.ClosedLoop(_stepper, inputs, predictionsMv, traceCount)
            : LatentRollout.TeacherForced(_stepper, inputs, columns[TraceColumns.Voltage], predictionsMv, traceCount);
    }

    /// <summary>
    /// A synaptic model's closed loop over each trace's input events (<see cref="LatentRollout.ClosedLoopEvents"/>): the
    /// voltages and, per step, the spike head's probability, trace-major.
    /// </summary>
    /// <returns>Per trace, the first step that diverged, or −1.</returns>
    public int[] PredictEvents(IReadOnlyList<TraceEvents> events, int steps, double[] predictionsMv, double[] spikeProbability) =>
        LatentRollout.ClosedLoopEvents(_stepper, events, steps, predictionsMv, spikeProbability);

    public void Dispose() => (_stepper as IDisposable)?.Dispose();
}

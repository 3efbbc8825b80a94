using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Inference;

/// <summary>
/// A latent surrogate (<see cref="LatentModelCard"/>): it reads only the currents named in its card and its own state,
/// stepped by its one-step graph in <see cref="LatentRollout"/>.
/// </summary>
/// <remarks>Ownership: owns its session; dispose it.</remarks>
public sealed class LatentSurrogate : ISurrogate
{
    private readonly OnnxLatentStepper _stepper;

    /// <summary>A shipped model: the graph and its card.</summary>
    public LatentSurrogate(string modelPath, string cardPath, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
        : this(modelPath, LatentModelCard.Read(cardPath).ToSpec(cardPath), provider, warn)
    {
    }

    /// <summary>A graph and the spec it computes, before a card is written (the trainer scores it to fill the card).</summary>
    public LatentSurrogate(string modelPath, LatentSpec spec, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ModelPath = modelPath;
        Spec = spec;
        _stepper = new OnnxLatentStepper(modelPath, Spec, provider, warn);
        InputColumns = Spec.Inputs.Select(i => i.Column).ToArray();
    }

    /// <summary>The layout the graph computes.</summary>
    public LatentSpec Spec { get; }

    public string ModelPath { get; }

    /// <summary>The one-step graph the rollouts step (for checks against the trained module).</summary>
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

    public void Dispose() => _stepper.Dispose();
}

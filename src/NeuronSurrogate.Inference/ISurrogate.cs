namespace NeuronSurrogate.Inference;

/// <summary>
/// A shipped surrogate (ONNX graph + card) ready to predict batches of traces, whatever its kind. <c>predict</c>,
/// the Train app's evaluation and the benchmarks work through this, so a new kind of surrogate needs no change there:
/// only a class that implements it and a line in <see cref="SurrogateModel"/>'s table of card formats.
/// </summary>
/// <remarks>Ownership: an instance owns its ONNX Runtime session(s); dispose it.</remarks>
public interface ISurrogate : IDisposable
{
    /// <summary>The ONNX file.</summary>
    string ModelPath { get; }

    /// <summary>The card's format (which kind of surrogate this is).</summary>
    string Format { get; }

    /// <summary>The recording step of the data it was trained on; inputs must have it.</summary>
    double TimeStepMs { get; }

    /// <summary>The current columns it reads, <c>current</c> first.</summary>
    IReadOnlyList<string> InputColumns { get; }

    /// <summary>The true columns teacher forcing needs besides the currents (<c>voltage</c>; <c>recovery</c> for a state-space model).</summary>
    IReadOnlyList<string> TeacherForcedColumns { get; }

    /// <summary>The inputs it was trained on, where its card records them (else null).</summary>
    Cards.CardEnvelope? Envelope => null;

    /// <summary>Predicts a batch of equal-length traces.</summary>
    /// <param name="mode">Closed loop or teacher-forced.</param>
    /// <param name="columns">Trace-major values of every column in <see cref="InputColumns"/> (and, teacher-forced, <see cref="TeacherForcedColumns"/>).</param>
    /// <param name="predictionsMv">Receives the voltages, trace-major.</param>
    /// <param name="traceCount">Traces in the batch.</param>
    /// <returns>Per trace, the step where the rollout diverged, or −1.</returns>
    int[] Predict(PredictionMode mode, IReadOnlyDictionary<string, double[]> columns, double[] predictionsMv, int traceCount);
}

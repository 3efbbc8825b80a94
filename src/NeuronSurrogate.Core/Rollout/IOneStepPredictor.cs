namespace NeuronSurrogate.Rollout;

/// <summary>
/// A model that maps a batch of feature rows to one output per row. Anything that predicts one step — an ML.NET
/// model, an ONNX Runtime session, a TorchSharp module — plugs into the rollouts through this.
/// </summary>
public interface IOneStepPredictor
{
    /// <summary>Features per row.</summary>
    int FeatureCount { get; }

    /// <summary>Predicts <paramref name="rows"/> rows.</summary>
    /// <param name="features">Row-major <c>[rows, FeatureCount]</c>.</param>
    /// <param name="outputs">Receives <c>rows</c> outputs.</param>
    /// <param name="rows">The batch size.</param>
    void Predict(ReadOnlySpan<float> features, Span<float> outputs, int rows);
}

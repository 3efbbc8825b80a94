using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Inference;

/// <summary>A voltage-lag ONNX model (features <c>[N, F]</c> → one output per row) served by ONNX Runtime.</summary>
/// <remarks>Ownership: owns its session; dispose it.</remarks>
public sealed class OnnxOneStepPredictor : IOneStepPredictor, IDisposable
{
    private readonly OnnxMatrixSession _session;

    /// <summary>Loads <paramref name="modelPath"/>.</summary>
    /// <exception cref="Data.InputException">The file is missing, not ONNX, or lacks the named input or output.</exception>
    public OnnxOneStepPredictor(string modelPath, string featureInput, string output, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
    {
        _session = new OnnxMatrixSession(modelPath, featureInput, output, provider, warn);
        if (_session.OutputWidth != 1)
        {
            _session.Dispose();
            throw new Data.InputException(modelPath, null, null, null, output, "one output value per row");
        }
    }

    public int FeatureCount => _session.InputWidth;

    public void Predict(ReadOnlySpan<float> features, Span<float> outputs, int rows) => _session.Run(features, outputs, rows);

    public void Dispose() => _session.Dispose();
}

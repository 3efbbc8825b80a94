using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Inference;

/// <summary>
/// A state-space one-step ONNX model (<c>state</c> <c>[N, InputWidth]</c> → <c>increment</c> <c>[N, OutputWidth]</c>, as
/// <see cref="StateSpaceSpec"/> lays them out) served by ONNX Runtime.
/// </summary>
/// <remarks>Ownership: owns its session; dispose it.</remarks>
public sealed class OnnxStatePredictor : IStatePredictor, IDisposable
{
    private readonly OnnxMatrixSession _session;

    /// <exception cref="Data.InputException">The file is missing, not ONNX, or not shaped like a state-space one-step model.</exception>
    public OnnxStatePredictor(string modelPath, string stateInput = "state", string incrementOutput = "increment", OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
    {
        _session = new OnnxMatrixSession(modelPath, stateInput, incrementOutput, provider, warn);
        if (_session.InputWidth != StateSpaceSpec.InputWidth || _session.OutputWidth != StateSpaceSpec.OutputWidth)
        {
            _session.Dispose();
            throw Data.InputException.About(modelPath,
                $"a state-space graph [N, {StateSpaceSpec.InputWidth}] → [N, {StateSpaceSpec.OutputWidth}] (it is [N, {_session.InputWidth}] → [N, {_session.OutputWidth}])");
        }
    }

    public void Predict(ReadOnlySpan<float> states, Span<float> increments, int rows) => _session.Run(states, increments, rows);

    public void Dispose() => _session.Dispose();
}

using Microsoft.ML.OnnxRuntime;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Inference;

/// <summary>
/// The whole closed loop as one ONNX graph (<c>currents</c> <c>[N, T]</c> → <c>voltages</c> <c>[N, T]</c>), served by ONNX
/// Runtime: one call per batch of traces.
/// </summary>
/// <remarks>Ownership: owns its session; dispose it.</remarks>
public sealed class OnnxRolloutModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _input, _output;

    public OnnxRolloutModel(string modelPath, string currentsInput = "currents", string voltagesOutput = "voltages", OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
    {
        _session = OnnxModelLoader.Open(modelPath, provider, warn);
        if (!_session.InputMetadata.ContainsKey(currentsInput) || !_session.OutputMetadata.ContainsKey(voltagesOutput))
        {
            _session.Dispose();
            throw InputException.About(modelPath, $"a rollout graph with input '{currentsInput}' and output '{voltagesOutput}'");
        }
        _input = currentsInput;
        _output = voltagesOutput;
    }

    /// <summary>Runs <paramref name="traceCount"/> traces of currents (trace-major) and returns their voltages, same layout.</summary>
    public float[] Run(float[] currents, int traceCount)
    {
        ArgumentNullException.ThrowIfNull(currents);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(traceCount);
        int steps = currents.Length / traceCount;
        using var input = OrtValue.CreateTensorValueFromMemory(currents, [traceCount, steps]);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, [_input], [input], [_output]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose() => _session.Dispose();
}

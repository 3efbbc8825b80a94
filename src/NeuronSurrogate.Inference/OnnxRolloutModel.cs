using Microsoft.ML.OnnxRuntime;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Inference;

/// <summary>
/// The whole closed loop as one ONNX graph (<c>currents</c> <c>[N, T]</c>, and for a surrogate with further current
/// inputs one <c>[N, T]</c> input each, → <c>voltages</c> <c>[N, T]</c>), served by ONNX Runtime: one call per batch of traces.
/// </summary>
/// <remarks>Ownership: owns its session; dispose it.</remarks>
public sealed class OnnxRolloutModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputs;
    private readonly string _output;

    /// <summary>Opens a rollout graph.</summary>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="currentsInput">The first (or only) input.</param>
    /// <param name="voltagesOutput">The output.</param>
    /// <param name="provider">Where to run it.</param>
    /// <param name="warn">Receives a provider fallback warning.</param>
    /// <param name="otherInputs">Further current inputs, in the order <see cref="Run(IReadOnlyList{float[]}, int)"/> receives them.</param>
    public OnnxRolloutModel(string modelPath, string currentsInput = "currents", string voltagesOutput = "voltages", OnnxProvider provider = OnnxProvider.Cpu,
        Action<string>? warn = null, IReadOnlyList<string>? otherInputs = null)
    {
        _session = OnnxModelLoader.Open(modelPath, provider, warn);
        _inputs = [currentsInput, .. otherInputs ?? []];
        if (_inputs.Any(i => !_session.InputMetadata.ContainsKey(i)) || _session.InputMetadata.Count != _inputs.Length || !_session.OutputMetadata.ContainsKey(voltagesOutput))
        {
            _session.Dispose();
            throw InputException.About(modelPath, $"a rollout graph with the inputs {string.Join(", ", _inputs)} and the output '{voltagesOutput}'");
        }
        _output = voltagesOutput;
    }

    /// <summary>Runs <paramref name="traceCount"/> traces of currents (trace-major) and returns their voltages, same layout.</summary>
    public float[] Run(float[] currents, int traceCount) => Run([currents], traceCount);

    /// <summary>Runs <paramref name="traceCount"/> traces, one trace-major array per input, and returns their voltages.</summary>
    public float[] Run(IReadOnlyList<float[]> currents, int traceCount)
    {
        ArgumentNullException.ThrowIfNull(currents);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(traceCount);
        if (currents.Count != _inputs.Length)
        {
            throw new ArgumentException($"{currents.Count} current arrays for a graph with {_inputs.Length} inputs");
        }
        int steps = currents[0].Length / traceCount;
        var values = currents.Select(c => OrtValue.CreateTensorValueFromMemory(c, [traceCount, steps])).ToArray();
        try
        {
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, _inputs, values, [_output]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    public void Dispose() => _session.Dispose();
}

using Microsoft.ML.OnnxRuntime;
using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Inference;

/// <summary>
/// An ONNX one-step model served by ONNX Runtime: one session reused for every call, inputs and outputs as
/// <see cref="OrtValue"/>s over buffers allocated once per batch size.
/// </summary>
/// <remarks>
/// Ownership: this object owns its session and its buffers; dispose it. Inputs other than the feature input (ML.NET's
/// export adds one per loaded column, e.g. <c>Label</c>) are fed zeros of the declared shape.
/// </remarks>
public sealed class OnnxOneStepPredictor : IOneStepPredictor, IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _featureInput;
    private readonly string _output;
    private readonly (string Name, int Width)[] _otherInputs;
    private readonly RunOptions _runOptions = new();
    private int _rows = -1;
    private float[] _features = [];
    private float[] _outputs = [];
    private OrtValue[] _inputValues = [];
    private OrtValue[] _outputValues = [];
    private string[] _inputNames = [];

    /// <summary>Loads <paramref name="modelPath"/>.</summary>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="featureInput">The input that takes the features, <c>[N, F]</c> float.</param>
    /// <param name="output">The output with one value per row, <c>[N]</c> or <c>[N, 1]</c> float.</param>
    /// <exception cref="InputException">The file is missing, not ONNX, or lacks the named input or output.</exception>
    public OnnxOneStepPredictor(string modelPath, string featureInput, string output)
    {
        _session = OnnxModelLoader.Open(modelPath);
        try
        {
            var inputs = _session.InputMetadata;
            if (!inputs.TryGetValue(featureInput, out var featureMeta))
            {
                throw new InputException(modelPath, null, null, null, featureInput, $"an input named '{featureInput}' (the graph has {string.Join(", ", inputs.Keys)})");
            }
            if (!_session.OutputMetadata.ContainsKey(output))
            {
                throw new InputException(modelPath, null, null, null, output, $"an output named '{output}' (the graph has {string.Join(", ", _session.OutputMetadata.Keys)})");
            }
            FeatureCount = featureMeta.Dimensions[^1];
            _featureInput = featureInput;
            _output = output;
            _otherInputs = inputs.Where(i => i.Key != featureInput)
                .Select(i => (i.Key, Math.Max(1, i.Value.Dimensions.Skip(1).Aggregate(1, (a, d) => a * Math.Max(1, d)))))
                .ToArray();
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public int FeatureCount { get; }

    /// <inheritdoc />
    public void Predict(ReadOnlySpan<float> features, Span<float> outputs, int rows)
    {
        EnsureBuffers(rows);
        features[..(rows * FeatureCount)].CopyTo(_features);
        _session.Run(_runOptions, _inputNames, _inputValues, [_output], _outputValues);
        _outputs.AsSpan(0, rows).CopyTo(outputs);
    }

    private void EnsureBuffers(int rows)
    {
        if (rows == _rows)
        {
            return;
        }
        DisposeValues();
        _features = new float[rows * FeatureCount];
        _outputs = new float[rows];
        var names = new List<string> { _featureInput };
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(_features, [rows, FeatureCount]) };
        foreach (var (name, width) in _otherInputs)
        {
            names.Add(name);
            values.Add(OrtValue.CreateTensorValueFromMemory(new float[rows * width], [rows, width]));
        }
        _inputNames = [.. names];
        _inputValues = [.. values];
        var outputShape = _session.OutputMetadata[_output].Dimensions.Length == 1 ? new long[] { rows } : [rows, 1];
        _outputValues = [OrtValue.CreateTensorValueFromMemory(_outputs, outputShape)];
        _rows = rows;
    }

    private void DisposeValues()
    {
        foreach (var value in _inputValues.Concat(_outputValues))
        {
            value.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        DisposeValues();
        _runOptions.Dispose();
        _session.Dispose();
    }
}

using Microsoft.ML.OnnxRuntime;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Inference;

/// <summary>
/// One ONNX Runtime session for a graph that maps a matrix <c>[N, inputWidth]</c> to a matrix <c>[N, outputWidth]</c>
/// (or a vector when the width is 1), reused for every call; inputs and outputs are <see cref="OrtValue"/>s over buffers
/// allocated once per batch size. Other graph inputs (ML.NET's export adds one per loaded column) get zeros.
/// </summary>
/// <remarks>Ownership: owns its session and buffers; dispose it. Not thread-safe.</remarks>
internal sealed class OnnxMatrixSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _input, _output;
    private readonly (string Name, int Width)[] _otherInputs;
    private readonly bool _vectorOutput;
    private readonly RunOptions _runOptions = new();
    private int _rows = -1;
    private float[] _inputBuffer = [];
    private float[] _outputBuffer = [];
    private OrtValue[] _inputValues = [];
    private OrtValue[] _outputValues = [];
    private string[] _inputNames = [];

    public OnnxMatrixSession(string modelPath, string input, string output, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
    {
        _session = OnnxModelLoader.Open(modelPath, provider, warn);
        try
        {
            var inputs = _session.InputMetadata;
            if (!inputs.TryGetValue(input, out var inputMeta) || inputMeta.Dimensions.Length != 2)
            {
                throw new InputException(modelPath, null, null, null, input, $"a 2-D float input named '{input}' (the graph's inputs: {string.Join(", ", inputs.Keys)})");
            }
            if (!_session.OutputMetadata.TryGetValue(output, out var outputMeta))
            {
                throw new InputException(modelPath, null, null, null, output, $"an output named '{output}' (the graph's outputs: {string.Join(", ", _session.OutputMetadata.Keys)})");
            }
            InputWidth = inputMeta.Dimensions[1];
            _vectorOutput = outputMeta.Dimensions.Length == 1;
            OutputWidth = _vectorOutput ? 1 : outputMeta.Dimensions[1];
            if (InputWidth <= 0 || OutputWidth <= 0)
            {
                throw new InputException(modelPath, null, null, null, null, $"fixed widths for '{input}' and '{output}' (got {InputWidth} and {OutputWidth})");
            }
            _input = input;
            _output = output;
            _otherInputs = inputs.Where(i => i.Key != input)
                .Select(i => (i.Key, Math.Max(1, i.Value.Dimensions.Skip(1).Aggregate(1, (a, d) => a * Math.Max(1, d)))))
                .ToArray();
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public int InputWidth { get; }

    public int OutputWidth { get; }

    public void Run(ReadOnlySpan<float> input, Span<float> output, int rows)
    {
        EnsureBuffers(rows);
        input[..(rows * InputWidth)].CopyTo(_inputBuffer);
        _session.Run(_runOptions, _inputNames, _inputValues, [_output], _outputValues);
        _outputBuffer.AsSpan(0, rows * OutputWidth).CopyTo(output);
    }

    private void EnsureBuffers(int rows)
    {
        if (rows == _rows)
        {
            return;
        }
        DisposeValues();
        _inputBuffer = new float[rows * InputWidth];
        _outputBuffer = new float[rows * OutputWidth];
        var names = new List<string> { _input };
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(_inputBuffer, [rows, InputWidth]) };
        foreach (var (name, width) in _otherInputs)
        {
            names.Add(name);
            values.Add(OrtValue.CreateTensorValueFromMemory(new float[rows * width], [rows, width]));
        }
        _inputNames = [.. names];
        _inputValues = [.. values];
        _outputValues = [OrtValue.CreateTensorValueFromMemory(_outputBuffer, _vectorOutput ? [rows] : [rows, OutputWidth])];
        _rows = rows;
    }

    private void DisposeValues()
    {
        foreach (var value in _inputValues.Concat(_outputValues))
        {
            value.Dispose();
        }
        _inputValues = [];
        _outputValues = [];
    }

    public void Dispose()
    {
        DisposeValues();
        _runOptions.Dispose();
        _session.Dispose();
    }
}

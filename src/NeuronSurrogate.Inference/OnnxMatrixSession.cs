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
    private readonly Dictionary<int, Buffers> _buffers = [];
    private readonly string[] _inputNames;

    public OnnxMatrixSession(string modelPath, string input, string output, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
    {
        _session = OnnxModelLoader.Open(modelPath, provider, warn);
        try
        {
            var inputs = _session.InputMetadata;
            if (!inputs.TryGetValue(input, out var inputMeta) || inputMeta.Dimensions.Length != 2)
            {
                throw InputException.BadValue(modelPath, input, $"a 2-D float input named '{input}' (the graph's inputs: {string.Join(", ", inputs.Keys)})");
            }
            if (!_session.OutputMetadata.TryGetValue(output, out var outputMeta))
            {
                throw InputException.BadValue(modelPath, output, $"an output named '{output}' (the graph's outputs: {string.Join(", ", _session.OutputMetadata.Keys)})");
            }
            InputWidth = inputMeta.Dimensions[1];
            _vectorOutput = outputMeta.Dimensions.Length == 1;
            OutputWidth = _vectorOutput ? 1 : outputMeta.Dimensions[1];
            if (InputWidth <= 0 || OutputWidth <= 0)
            {
                throw InputException.About(modelPath, $"fixed widths for '{input}' and '{output}' (got {InputWidth} and {OutputWidth})");
            }
            _input = input;
            _output = output;
            _otherInputs = inputs.Where(i => i.Key != input)
                .Select(i => (i.Key, Math.Max(1, i.Value.Dimensions.Skip(1).Aggregate(1, (a, d) => a * Math.Max(1, d)))))
                .ToArray();
            _inputNames = [input, .. _otherInputs.Select(o => o.Name)];
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public int InputWidth { get; }

    public int OutputWidth { get; }

    /// <summary>
    /// Rows per call to ONNX Runtime: larger batches run in chunks of this size, so each layer's activations
    /// (8192 × 128 floats = 4 MB) stay in cache instead of streaming through memory.
    /// </summary>
    public const int ChunkRows = 8192;

    public void Run(ReadOnlySpan<float> input, Span<float> output, int rows)
    {
        for (int start = 0; start < rows; start += ChunkRows)
        {
            int count = Math.Min(ChunkRows, rows - start);
            var buffers = BuffersFor(count);
            input.Slice(start * InputWidth, count * InputWidth).CopyTo(buffers.Input);
            _session.Run(_runOptions, _inputNames, buffers.InputValues, [_output], buffers.OutputValues);
            buffers.Output.AsSpan(0, count * OutputWidth).CopyTo(output[(start * OutputWidth)..]);
        }
    }

    /// <summary>Buffers and OrtValues for one batch size, kept for reuse (a batch above the chunk size alternates two sizes).</summary>
    private sealed record Buffers(float[] Input, float[] Output, OrtValue[] InputValues, OrtValue[] OutputValues);

    private Buffers BuffersFor(int rows)
    {
        if (_buffers.TryGetValue(rows, out var cached))
        {
            return cached;
        }
        if (_buffers.Count >= 4)
        {
            DisposeValues();
        }
        var input = new float[rows * InputWidth];
        var output = new float[rows * OutputWidth];
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(input, [rows, InputWidth]) };
        foreach (var (_, width) in _otherInputs)
        {
            values.Add(OrtValue.CreateTensorValueFromMemory(new float[rows * width], [rows, width]));
        }
        var buffers = new Buffers(input, output, [.. values],
            [OrtValue.CreateTensorValueFromMemory(output, _vectorOutput ? [rows] : [rows, OutputWidth])]);
        _buffers[rows] = buffers;
        return buffers;
    }

    private void DisposeValues()
    {
        foreach (var value in _buffers.Values.SelectMany(b => b.InputValues.Concat(b.OutputValues)))
        {
            value.Dispose();
        }
        _buffers.Clear();
    }

    public void Dispose()
    {
        DisposeValues();
        _runOptions.Dispose();
        _session.Dispose();
    }
}

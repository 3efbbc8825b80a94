using Microsoft.ML.OnnxRuntime;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Torch;
using Onnx;
using static TorchSharp.torch;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// This machine's SGEMM on the model's dense shapes at one batch size (<c>[N, in] × [in, out]</c> for every layer, no
/// bias, no activation), two ways: ONNX Runtime's own GEMM (MLAS) through a graph of bare <c>MatMul</c>s opened with the
/// surrogate's session options, and libtorch's <c>mm</c>. The faster of the two is the reference for the surrogate's GFLOP/s.
/// </summary>
/// <remarks>Ownership: owns its session, tensors and buffers; dispose it.</remarks>
internal sealed class DenseShapes : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames, _outputNames;
    private readonly OrtValue[] _inputs, _outputs;
    private readonly Tensor[] _torchInputs, _torchWeights;

    public DenseShapes(StateSpaceMlp model, int batch) : this(model.Export(), batch)
    {
    }

    /// <summary>The products of layers with these weights (<c>[out, in]</c>, row-major) at one batch size.</summary>
    public DenseShapes(IReadOnlyList<(float[] Weight, long[] Shape, float[] Bias)> layers, int batch)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var g = new OnnxGraphBuilder("dense_layers");
        var inputs = new List<OrtValue>();
        var outputs = new List<OrtValue>();
        var random = new Random(batch);
        for (int i = 0; i < layers.Count; i++)
        {
            var (weight, shape, _) = layers[i];
            int rows = (int)shape[0], columns = (int)shape[1];
            var transposed = new float[weight.Length];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    transposed[c * rows + r] = weight[r * columns + c];
                }
            }
            g.Input($"a{i}", TensorProto.Types.DataType.Float, "N", columns);
            g.Node("MatMul", [$"a{i}", g.Constant($"w{i}", transposed, columns, rows)], $"c{i}");
            g.Output($"c{i}", TensorProto.Types.DataType.Float, "N", rows);
            inputs.Add(OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, batch * columns).Select(_ => (float)random.NextDouble()).ToArray(), [batch, columns]));
            outputs.Add(OrtValue.CreateTensorValueFromMemory(new float[batch * rows], [batch, rows]));
        }
        string path = Path.Combine(Path.GetTempPath(), $"neuron-surrogate-dense-{Environment.ProcessId}-{batch}.onnx");
        File.WriteAllBytes(path, OnnxGraphBuilder.Serialize(OnnxGraphBuilder.Model(g.Graph, StateSpaceOnnxExporter.Opset, "the surrogate's dense shapes, bare")));
        try
        {
            _session = OnnxModelLoader.Open(path);
        }
        finally
        {
            File.Delete(path);
        }
        _inputs = [.. inputs];
        _outputs = [.. outputs];
        _inputNames = [.. Enumerable.Range(0, layers.Count).Select(i => $"a{i}")];
        _outputNames = [.. Enumerable.Range(0, layers.Count).Select(i => $"c{i}")];
        _torchWeights = [.. layers.Select(l => tensor(l.Weight, l.Shape).t().contiguous())];
        _torchInputs = [.. _torchWeights.Select(w => randn(batch, w.shape[0]))];
    }

    /// <summary>FLOP of one pass over every layer's shape, per row.</summary>
    public static long FlopsPerRow(StateSpaceMlp model) => 2L * model.Export().Sum(l => l.Shape[0] * l.Shape[1]);

    /// <summary>Every layer's product once, with ONNX Runtime (MLAS).</summary>
    public void RunOnnxRuntime() => _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);

    /// <summary>Every layer's product once, with libtorch.</summary>
    public void RunTorch()
    {
        using var scope = NewDisposeScope();
        for (int i = 0; i < _torchWeights.Length; i++)
        {
            mm(_torchInputs[i], _torchWeights[i]);
        }
    }

    public void Dispose()
    {
        foreach (var value in _inputs.Concat(_outputs))
        {
            value.Dispose();
        }
        foreach (var t in _torchInputs.Concat(_torchWeights))
        {
            t.Dispose();
        }
        _runOptions.Dispose();
        _session.Dispose();
    }
}

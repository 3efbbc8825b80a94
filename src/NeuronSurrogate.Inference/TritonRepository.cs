using System.Globalization;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Inference;

/// <summary>
/// Writes an NVIDIA Triton Inference Server model repository for an ONNX model: <c>DIR/NAME/1/model.onnx</c> and
/// <c>DIR/NAME/config.pbtxt</c> with the graph's input and output names, data types and shapes (the leading dynamic
/// dimension becomes Triton's batch dimension) and dynamic batching, served by the ONNX Runtime backend.
/// </summary>
public static class TritonRepository
{
    /// <summary>Writes the repository entry and returns the config text.</summary>
    /// <exception cref="InputException">The model cannot be loaded, or a tensor has a type Triton's config cannot name.</exception>
    public static string Write(string modelPath, string folder, string name, int maxBatchSize = 65536)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.IndexOfAny(['/', '\\', ' ']) >= 0 || name is "." or "..")
        {
            throw InputException.BadValue(null, name, "a model name without slashes or spaces");
        }
        string config;
        using (var session = OnnxModelLoader.Open(modelPath))
        {
            config = Config(session, name, maxBatchSize, modelPath);
        }
        string version = Path.Combine(folder, name, "1");
        Directory.CreateDirectory(version);
        var bytes = File.ReadAllBytes(modelPath);
        AtomicFile.Write(Path.Combine(version, "model.onnx"), s => s.Write(bytes));
        AtomicFile.WriteText(Path.Combine(folder, name, "config.pbtxt"), config);
        return config;
    }

    private static string Config(InferenceSession session, string name, int maxBatchSize, string modelPath)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"name: \"{name}\"");
        text.AppendLine("backend: \"onnxruntime\"");
        text.AppendLine(CultureInfo.InvariantCulture, $"max_batch_size: {maxBatchSize}");
        Section("input", session.InputMetadata);
        Section("output", session.OutputMetadata);
        text.AppendLine("dynamic_batching {");
        text.AppendLine("  max_queue_delay_microseconds: 100");
        text.AppendLine("}");
        text.AppendLine("instance_group [ { kind: KIND_AUTO } ]");
        return text.ToString();

        void Section(string kind, IReadOnlyDictionary<string, NodeMetadata> tensors)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{kind} [");
            int i = 0;
            foreach (var (tensorName, meta) in tensors)
            {
                var dims = meta.Dimensions;
                if (dims.Length == 0 || dims[0] > 0)
                {
                    throw InputException.BadValue(modelPath, tensorName, "a dynamic leading (batch) dimension on every input and output, for Triton's batching");
                }
                // Triton's dims leave out the batch dimension; −1 stays variable (e.g. the time axis of a rollout).
                var rest = dims.Skip(1).Select(d => d > 0 ? d.ToString(CultureInfo.InvariantCulture) : "-1").ToArray();
                text.AppendLine("  {");
                text.AppendLine(CultureInfo.InvariantCulture, $"    name: \"{tensorName}\"");
                text.AppendLine(CultureInfo.InvariantCulture, $"    data_type: {TritonType(meta.ElementDataType, tensorName)}");
                text.AppendLine(CultureInfo.InvariantCulture, $"    dims: [ {(rest.Length == 0 ? "1" : string.Join(", ", rest))} ]");
                if (rest.Length == 0)
                {
                    text.AppendLine("    reshape: { shape: [ ] }");
                }
                text.AppendLine(++i < tensors.Count ? "  }," : "  }");
            }
            text.AppendLine("]");
        }

        string TritonType(TensorElementType type, string tensorName) => type switch
        {
            TensorElementType.Float => "TYPE_FP32",
            TensorElementType.Double => "TYPE_FP64",
            TensorElementType.Float16 => "TYPE_FP16",
            TensorElementType.Int64 => "TYPE_INT64",
            TensorElementType.Int32 => "TYPE_INT32",
            TensorElementType.Bool => "TYPE_BOOL",
            _ => throw InputException.BadValue(modelPath, tensorName, $"a tensor type Triton supports (got {type})"),
        };
    }
}

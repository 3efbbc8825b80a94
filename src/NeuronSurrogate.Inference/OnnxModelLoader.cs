using Microsoft.ML.OnnxRuntime;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Inference;

/// <summary>Opens ONNX models with ONNX Runtime on the CPU, turning native load failures into one clear error.</summary>
public static class OnnxModelLoader
{
    /// <summary>A session for <paramref name="modelPath"/>; the caller owns and disposes it.</summary>
    /// <exception cref="InputException">The file is missing or is not a model ONNX Runtime can load.</exception>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="provider">Where to run it; CUDA falls back to the CPU with one warning through <paramref name="warn"/>.</param>
    /// <param name="warn">Receives the fallback warning.</param>
    public static InferenceSession Open(string modelPath, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
    {
        if (!File.Exists(modelPath))
        {
            throw InputException.About(modelPath, "an existing ONNX model file (it was not found)");
        }
        var options = new SessionOptions
        {
            // One intra-op thread per core; no spinning between the many small calls of a rollout.
            IntraOpNumThreads = Environment.ProcessorCount,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (provider == OnnxProvider.Cuda)
        {
            try
            {
                // ONNX Runtime logs a failed provider load natively as well; keep the user's stderr to our one line.
                OrtEnv.Instance().EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
                options.AppendExecutionProvider_CUDA(0);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                warn?.Invoke($"warning: the CUDA execution provider is not available ({FirstLine(e.Message)}); running on the CPU. The GPU build is `-p:OnnxRuntimeGpu=true` and needs CUDA 13.");
            }
        }
        try
        {
            return new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw InputException.About(modelPath, $"a valid ONNX model ({FirstLine(e.Message)})");
        }
        finally
        {
            options.Dispose();
        }
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}

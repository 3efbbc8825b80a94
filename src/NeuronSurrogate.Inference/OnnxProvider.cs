namespace NeuronSurrogate.Inference;

/// <summary>Where ONNX Runtime runs a graph.</summary>
public enum OnnxProvider
{
    /// <summary>The CPU (the default, and always available).</summary>
    Cpu,

    /// <summary>
    /// NVIDIA CUDA, with the GPU build (<c>-p:OnnxRuntimeGpu=true</c>); falls back to the CPU with one warning line
    /// when the build or the machine cannot provide it.
    /// </summary>
    Cuda,
}

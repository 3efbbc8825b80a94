namespace NeuronSurrogate.Inference;

/// <summary>What computes a surrogate's steps.</summary>
public enum SurrogateEngine
{
    /// <summary>
    /// The fastest engine for the kind: the fused CPU engine for the latent kind (<see cref="FusedLatentStepper"/>), which
    /// reads the weights out of the same graph; ONNX Runtime for the other kinds and on the GPU provider.
    /// </summary>
    Fused,

    /// <summary>ONNX Runtime for every kind: the portable path (and the GPU provider, Triton and other runtimes run these graphs).</summary>
    Onnx,
}

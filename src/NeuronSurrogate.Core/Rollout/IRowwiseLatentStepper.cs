namespace NeuronSurrogate.Rollout;

/// <summary>
/// A latent stepper that computes every row on its own, allocates nothing per call and may be called from several
/// threads at once: <see cref="LatentRollout"/> runs it over blocks of traces in parallel, each block through the same
/// loop with its state and activations in cache. An engine that batches rows into one call (ONNX Runtime) does not
/// declare it.
/// </summary>
public interface IRowwiseLatentStepper : ILatentStepper;

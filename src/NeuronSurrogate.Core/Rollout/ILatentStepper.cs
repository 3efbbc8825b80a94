namespace NeuronSurrogate.Rollout;

/// <summary>
/// One step of a latent surrogate for a batch of traces, in raw units: the currents of the step and the state in,
/// the step's voltages and spike probability out, the state advanced in place. An ONNX Runtime session and a TorchSharp
/// module both plug into <see cref="LatentRollout"/> through this.
/// </summary>
public interface ILatentStepper
{
    /// <summary>The layout the stepper computes.</summary>
    LatentSpec Spec { get; }

    /// <summary>Advances <paramref name="rows"/> traces by one surrogate step.</summary>
    /// <param name="currents">Row-major <c>[rows, k × inputs]</c>: for each data step of the surrogate step, every input column in card order.</param>
    /// <param name="state">Row-major <c>[rows, StateSize]</c>; replaced by the next state.</param>
    /// <param name="voltagesMv">Receives row-major <c>[rows, k]</c>: the voltages of the next k data steps.</param>
    /// <param name="spikeProbability">Receives <c>[rows]</c>: the network's probability of a spike within those k steps.</param>
    /// <param name="rows">The batch size.</param>
    void Advance(ReadOnlySpan<float> currents, Span<float> state, Span<float> voltagesMv, Span<float> spikeProbability, int rows);
}

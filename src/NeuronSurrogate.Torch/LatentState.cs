using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>
/// The state of a batch of latent-surrogate traces as the network steps it, split into the parts of
/// <see cref="Rollout.LatentSpec"/>'s layout: voltage, spike flag and peak flag <c>[N, 1]</c> each, voltage memory
/// <c>[N, Kv]</c> and spike memory <c>[N, Ks]</c>, in raw units (mV for voltages), and for a synaptic model the leaky
/// input traces <c>[N, R × M]</c>.
/// </summary>
public sealed record LatentState(Tensor Voltage, Tensor SpikeFlag, Tensor PeakFlag, Tensor VoltageMemory, Tensor SpikeMemory, Tensor? InputMemory = null)
{
    /// <summary>The parts side by side, <c>[N, StateSize]</c>, in the spec's order.</summary>
    public Tensor Pack() => InputMemory is null
        ? cat([Voltage, SpikeFlag, PeakFlag, VoltageMemory, SpikeMemory], 1)
        : cat([Voltage, SpikeFlag, PeakFlag, VoltageMemory, SpikeMemory, InputMemory], 1);

    /// <summary>The parts of a packed state <c>[N, StateSize]</c>.</summary>
    public static LatentState Unpack(Tensor packed, Rollout.LatentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(packed);
        ArgumentNullException.ThrowIfNull(spec);
        int m = Rollout.LatentSpec.MemoryOffset, s = spec.SpikeMemoryOffset, i = spec.InputMemoryOffset;
        return new LatentState(packed[.., 0..1], packed[.., 1..2], packed[.., 2..3], packed[.., m..s], packed[.., s..i],
            spec.IsSynaptic ? packed[.., i..spec.StateSize] : null);
    }
}

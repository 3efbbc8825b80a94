using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>
/// What a step needs from the learned time constants, computed once per rollout rather than once per step: the decay
/// factors of the memory for one data step, and for k > 1 the maps that fold the step's first k − 1 voltages and spike
/// flags into the memory.
/// </summary>
/// <param name="VoltageDecay">a = exp(−dt/τ) of the voltage traces, <c>[Kv]</c>.</param>
/// <param name="VoltageGain">1 − a, <c>[Kv]</c>.</param>
/// <param name="SpikeDecay">b = exp(−dt/τ) of the spike counts, <c>[Ks]</c>.</param>
/// <param name="VoltageDecaySpan">a^(k−1), <c>[Kv]</c> (null for k = 1).</param>
/// <param name="VoltageFold"><c>[k−1, Kv]</c>: row j holds a^(k−2−j)(1 − a) (null for k = 1).</param>
/// <param name="SpikeDecaySpan">b^(k−1), <c>[Ks]</c> (null for k = 1).</param>
/// <param name="SpikeFold"><c>[k−1, Ks]</c>: row j holds b^(k−2−j) (null for k = 1).</param>
public sealed record LatentCoefficients(Tensor VoltageDecay, Tensor VoltageGain, Tensor SpikeDecay,
    Tensor? VoltageDecaySpan, Tensor? VoltageFold, Tensor? SpikeDecaySpan, Tensor? SpikeFold);

namespace NeuronSurrogate.Torch;

/// <summary>
/// One iteration's training windows, as flat arrays for tensors: the state at each window's start (computed
/// teacher-forced from the true voltages before it), the currents of its steps and the true voltages it must produce.
/// </summary>
/// <param name="Count">Windows, B.</param>
/// <param name="Blocks">Surrogate steps per window.</param>
/// <param name="Voltage">[B]: the (noisy) true voltage at the start.</param>
/// <param name="SpikeFlag">[B]: its spike flag.</param>
/// <param name="PeakFlag">[B]: its peak flag.</param>
/// <param name="VoltageMemory">[B, Kv] at the start.</param>
/// <param name="SpikeMemory">[B, Ks] at the start.</param>
/// <param name="Currents">[B, Blocks, k × inputs]: raw currents of every step.</param>
/// <param name="Targets">[B, Blocks × k]: the true voltages after the start.</param>
/// <param name="StartVoltage">[B]: the true voltage at the start, without noise (where both traces begin for the mask).</param>
/// <param name="SpikeTargets">[B, Blocks]: 1 where the true trace has a spike within the block.</param>
/// <param name="InputTraces">A synaptic model's [B, S, M]: each synapse's leaky input traces at the start (empty otherwise);
/// its <see cref="Currents"/> are then [B, Blocks, S] event counts.</param>
internal sealed record LatentWindowBatch(int Count, int Blocks, float[] Voltage, float[] SpikeFlag, float[] PeakFlag, float[] VoltageMemory,
    float[] SpikeMemory, float[] Currents, float[] Targets, float[] StartVoltage, float[] SpikeTargets, float[] InputTraces);

using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Torch;

/// <summary>
/// Draws training windows from the training traces for masked multiple shooting: a random trace and start, the state
/// at the start computed from the true voltages before it exactly as the network's own memory would hold them
/// (teacher forcing, with noise on the voltages), and what the window must reproduce. The traces may come from several
/// sets of different lengths (a library of 1 s traces beside a dataset of 100 ms ones): a window's trace is then drawn in
/// proportion to its length, so that every step is as likely a start as any other.
/// </summary>
internal sealed class LatentWindows
{
    private readonly LatentSpec _spec;
    private readonly float[] _voltages;
    private readonly float[][] _inputs;
    private readonly byte[] _flags;
    private readonly int _traces;
    // Where each trace starts in the flattened arrays, and its length; whether the lengths differ (then a trace is drawn
    // in proportion to its length).
    private readonly int[] _origins, _lengths;
    private readonly bool _unequal;
    // A synaptic model's input: each trace's events as (data step, synapse), and e_m^i for i whole steps back.
    private readonly (int[] Steps, int[] Synapses)[]? _events;
    private readonly float[][]? _inputDecayPowers;

    public LatentWindows(TraceSet train, LatentSpec spec)
        : this([train], spec)
    {
    }

    public LatentWindows(IReadOnlyList<TraceSet> sets, LatentSpec spec)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sets.Count);
        _spec = spec;
        _traces = sets.Sum(s => s.TraceCount);
        _lengths = sets.SelectMany(s => Enumerable.Repeat(s.Steps, s.TraceCount)).ToArray();
        _origins = new int[_traces];
        for (int trace = 1; trace < _traces; trace++)
        {
            _origins[trace] = checked(_origins[trace - 1] + _lengths[trace - 1]);
        }
        _unequal = _lengths.Any(n => n != _lengths[0]);
        _voltages = sets.SelectMany(s => s.VoltagesMv).Select(v => (float)v).ToArray();
        _inputs = spec.Inputs.Select(i => sets.SelectMany(s => s.Input(i.Column)).Select(x => (float)x).ToArray()).ToArray();
        if (spec.IsSynaptic)
        {
            if (sets.Any(s => s.Events is null || s.SynapseCount != spec.Synapses))
            {
                var bad = sets.First(s => s.Events is null || s.SynapseCount != spec.Synapses);
                throw new ArgumentException($"a synaptic model of {spec.Synapses} synapses needs training traces with their input events (these have {(bad.Events is null ? "none" : $"{bad.SynapseCount} synapses")})");
            }
            _events = sets.SelectMany(s => s.Events!.Select(e => EventSteps.Of(e, s.TimeStepMs, spec.Synapses))).ToArray();
            int blocks = _lengths.Max() / spec.StepFactor + 1;
            _inputDecayPowers = spec.InputDecays().Select(e => Enumerable.Range(0, blocks).Select(i => (float)((1 - e) * Math.Pow(e, i))).ToArray()).ToArray();
        }
        _flags = new byte[_voltages.Length];
        double threshold = spec.SpikeThresholdMv;
        for (int trace = 0; trace < _traces; trace++)
        {
            double before = spec.InitialVoltageMv;
            for (int t = _origins[trace]; t < _origins[trace] + _lengths[trace]; t++)
            {
                double v = _voltages[t];
                _flags[t] = (byte)(before < threshold && v >= threshold ? 1 : 0);
                before = v;
            }
        }
    }

    /// <summary>The most surrogate steps a window can have in every one of these traces.</summary>
    public int MaxBlocks => (_lengths.Min() - 1) / _spec.StepFactor;

    /// <summary>The shortest trace's steps.</summary>
    public int ShortestTrace => _lengths.Min();

    /// <summary>Spikes in the training traces.</summary>
    public int SpikeCount => _flags.Sum(f => f);

    public LatentWindowBatch Draw(int count, int blocks, float[] voltageDecay, float[] spikeDecay, double noiseMv, ref TraceRandom random)
    {
        var spec = _spec;
        int k = spec.StepFactor, columns = spec.InputCount, kv = spec.VoltageMemory, ks = spec.SpikeMemory, length = blocks * k;
        int width = spec.IsSynaptic ? blocks * spec.Synapses : length * columns;
        int inputTraces = spec.IsSynaptic ? spec.Synapses * spec.InputTimeConstantsMs.Count : 0;
        var batch = new LatentWindowBatch(count, blocks, new float[count], new float[count], new float[count], new float[count * kv],
            new float[count * ks], new float[count * width], new float[count * length], new float[count], new float[count * blocks], new float[count * inputTraces]);
        var memory = new float[kv];
        var counts = new float[ks];
        float peak = (float)(spec.Rule?.PeakMv ?? double.PositiveInfinity);
        for (int b = 0; b < count; b++)
        {
            int trace = _unequal ? DrawByLength(ref random) : random.NextInt(_traces);
            int steps = _lengths[trace];
            // A synaptic window starts on the surrogate's grid, so its event counts fall in the blocks inference uses.
            int start = spec.IsSynaptic ? k * random.NextInt((steps - 1 - length) / k + 1) : random.NextInt(steps - length);
            int origin = _origins[trace];
            Array.Fill(memory, (float)spec.InitialVoltageMv);
            Array.Clear(counts);
            for (int t = 0; t < start; t++)
            {
                float v = _voltages[origin + t] + (noiseMv > 0 ? (float)(noiseMv * random.NextNormal()) : 0f);
                for (int m = 0; m < kv; m++)
                {
                    memory[m] = voltageDecay[m] * memory[m] + (1 - voltageDecay[m]) * v;
                }
                float flag = _flags[origin + t];
                for (int m = 0; m < ks; m++)
                {
                    counts[m] = spikeDecay[m] * counts[m] + flag;
                }
            }
            memory.CopyTo(batch.VoltageMemory, b * kv);
            counts.CopyTo(batch.SpikeMemory, b * ks);
            float startVoltage = _voltages[origin + start];
            batch.StartVoltage[b] = startVoltage;
            batch.Voltage[b] = startVoltage + (noiseMv > 0 ? (float)(noiseMv * random.NextNormal()) : 0f);
            batch.SpikeFlag[b] = _flags[origin + start];
            batch.PeakFlag[b] = startVoltage >= peak ? 1 : 0;
            if (_events is not null)
            {
                FillEvents(batch, b, trace, start, blocks);
            }
            for (int s = 0; s < length; s++)
            {
                for (int c = 0; c < columns; c++)
                {
                    batch.Currents[(b * length + s) * columns + c] = _inputs[c][origin + start + s];
                }
                batch.Targets[b * length + s] = _voltages[origin + start + 1 + s];
                if (_flags[origin + start + 1 + s] != 0)
                {
                    batch.SpikeTargets[b * blocks + s / k] = 1;
                }
            }
        }
        return batch;
    }

    /// <summary>A trace drawn in proportion to its length.</summary>
    private int DrawByLength(ref TraceRandom random)
    {
        int total = checked(_origins[^1] + _lengths[^1]);
        int position = (int)(random.NextUInt64() % (ulong)total);
        // The trace whose steps hold the position: the last one starting at or before it (every trace has a step).
        int index = Array.BinarySearch(_origins, position);
        return index >= 0 ? index : ~index - 1;
    }

    /// <summary>
    /// A synaptic window's inputs: each block's event counts per synapse, and each synapse's leaky traces at the start
    /// (y_m = Σ over its earlier events (1 − e_m)·e_m^i, i whole steps back), so that W times them is the network's own input
    /// traces after a rollout from the trace's start.
    /// </summary>
    private void FillEvents(LatentWindowBatch batch, int b, int trace, int start, int blocks)
    {
        var spec = _spec;
        int k = spec.StepFactor, synapses = spec.Synapses, m = spec.InputTimeConstantsMs.Count;
        var (steps, ids) = _events![trace];
        var traces = batch.InputTraces.AsSpan(b * synapses * m, synapses * m);
        int first = EventSteps.FirstAtOrAfter(steps, start);
        for (int i = 0; i < first; i++)
        {
            int back = (start - 1 - steps[i]) / k;
            for (int j = 0; j < m; j++)
            {
                traces[ids[i] * m + j] += _inputDecayPowers![j][back];
            }
        }
        var counts = batch.Currents.AsSpan(b * blocks * synapses, blocks * synapses);
        for (int i = first; i < steps.Length && steps[i] < start + blocks * k; i++)
        {
            counts[(steps[i] - start) / k * synapses + ids[i]] += 1;
        }
    }
}

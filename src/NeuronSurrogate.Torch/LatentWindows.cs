using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Torch;

/// <summary>
/// Draws training windows from the training traces for masked multiple shooting: a random trace and start, the state
/// at the start computed from the true voltages before it exactly as the network's own memory would hold them
/// (teacher forcing, with noise on the voltages), and what the window must reproduce.
/// </summary>
internal sealed class LatentWindows
{
    private readonly LatentSpec _spec;
    private readonly float[] _voltages;
    private readonly float[][] _inputs;
    private readonly byte[] _flags;
    private readonly int _traces, _steps;

    public LatentWindows(TraceSet train, LatentSpec spec)
    {
        _spec = spec;
        _traces = train.TraceCount;
        _steps = train.Steps;
        _voltages = train.VoltagesMv.Select(v => (float)v).ToArray();
        _inputs = spec.Inputs.Select(i => train.Input(i.Column).Select(x => (float)x).ToArray()).ToArray();
        _flags = new byte[_voltages.Length];
        double threshold = spec.SpikeThresholdMv;
        for (int trace = 0; trace < _traces; trace++)
        {
            double before = spec.InitialVoltageMv;
            for (int t = 0; t < _steps; t++)
            {
                double v = train.VoltagesMv[trace * _steps + t];
                _flags[trace * _steps + t] = (byte)(before < threshold && v >= threshold ? 1 : 0);
                before = v;
            }
        }
    }

    /// <summary>The most surrogate steps a window can have in these traces.</summary>
    public int MaxBlocks => (_steps - 1) / _spec.StepFactor;

    /// <summary>Spikes in the training traces.</summary>
    public int SpikeCount => _flags.Sum(f => f);

    public LatentWindowBatch Draw(int count, int blocks, float[] voltageDecay, float[] spikeDecay, double noiseMv, ref TraceRandom random)
    {
        var spec = _spec;
        int k = spec.StepFactor, columns = spec.InputCount, kv = spec.VoltageMemory, ks = spec.SpikeMemory, length = blocks * k;
        var batch = new LatentWindowBatch(count, blocks, new float[count], new float[count], new float[count], new float[count * kv],
            new float[count * ks], new float[count * length * columns], new float[count * length], new float[count], new float[count * blocks]);
        var memory = new float[kv];
        var counts = new float[ks];
        float peak = (float)(spec.Rule?.PeakMv ?? double.PositiveInfinity);
        for (int b = 0; b < count; b++)
        {
            int trace = random.NextInt(_traces);
            int start = random.NextInt(_steps - length);
            int origin = trace * _steps;
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
}

using NeuronSurrogate.Data;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Stimuli;

/// <summary>Draws one trace's input events with <see cref="SynapticInputOptions"/>' statistics.</summary>
public static class SynapticInputGenerator
{
    /// <summary>The population rates of one trace at 1 ms resolution, Hz per synapse.</summary>
    /// <param name="Excitatory">Excitation, one value per ms.</param>
    /// <param name="Inhibitory">Inhibition, one value per ms.</param>
    public readonly record struct PopulationRates(double[] Excitatory, double[] Inhibitory);

    /// <summary>The events of trace (<paramref name="run"/>, <paramref name="neuron"/>): <paramref name="steps"/> recording steps of <paramref name="timeStepMs"/>, spikes on that grid.</summary>
    /// <param name="options">The statistics.</param>
    /// <param name="synapses">The cell's synapse table (kinds and segment lengths), in id order.</param>
    /// <param name="seed">The global seed.</param>
    /// <param name="run">The trace's run.</param>
    /// <param name="neuron">The trace's neuron.</param>
    /// <param name="steps">Recording steps in the trace.</param>
    /// <param name="timeStepMs">The recording step, ms: the grid the spikes fall on.</param>
    public static TraceEvents Draw(SynapticInputOptions options, IReadOnlyList<SynapseInfo> synapses, long seed, long run, long neuron, int steps, double timeStepMs)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(synapses);
        if (synapses.Count >= 1 << 20)
        {
            throw new ArgumentOutOfRangeException(nameof(synapses), synapses.Count, "at most 2^20 − 1 synapses");
        }
        var rates = Rates(options, seed, run, neuron, steps * timeStepMs);
        double meanExcitatory = MeanLength(synapses, true), meanInhibitory = MeanLength(synapses, false);
        var events = new List<long>();
        for (int s = 0; s < synapses.Count; s++)
        {
            var synapse = synapses[s];
            var random = new TraceRandom(seed, run, neuron, 1 + s);
            double gain = random.NextDouble(options.GainMin, options.GainMax)
                * synapse.LengthUm / (synapse.IsExcitatory ? meanExcitatory : meanInhibitory);
            var profile = synapse.IsExcitatory ? rates.Excitatory : rates.Inhibitory;
            // P(spike in a step) = rate · dt, as 64-bit thresholds: one draw and one comparison per step.
            double scale = gain * timeStepMs * 1e-3 * 18446744073709551616.0;
            for (int k = 0; k < steps; k++)
            {
                double threshold = profile[Math.Min(profile.Length - 1, (int)(k * timeStepMs))] * scale;
                if (random.NextUInt64() < (threshold >= 18446744073709551615.0 ? ulong.MaxValue : (ulong)threshold))
                {
                    events.Add(((long)k << 20) | (long)s);
                }
            }
        }
        events.Sort();
        var ids = new int[events.Count];
        var times = new double[events.Count];
        for (int e = 0; e < events.Count; e++)
        {
            ids[e] = (int)(events[e] & ((1 << 20) - 1));
            times[e] = Dataset.TraceBatch.TimeOf((int)(events[e] >> 20), timeStepMs);
        }
        return new TraceEvents(run, neuron, ids, times);
    }

    /// <summary>The excitatory and inhibitory population rates of trace (<paramref name="run"/>, <paramref name="neuron"/>), at 1 ms resolution over <paramref name="durationMs"/>.</summary>
    public static PopulationRates Rates(SynapticInputOptions options, long seed, long run, long neuron, double durationMs)
    {
        ArgumentNullException.ThrowIfNull(options);
        var random = new TraceRandom(seed, run, neuron, 0);
        int length = Math.Max(1, (int)Math.Ceiling(durationMs));
        double ceiling = random.NextDouble(options.CeilingMinHz, options.CeilingMaxHz);
        double sigma = LogUniform(ref random, options.SmoothingMinMs, options.SmoothingMaxMs);
        double offset = random.NextDouble(options.InhibitionShiftHz - options.InhibitionOffsetHz, options.InhibitionShiftHz + options.InhibitionOffsetHz);
        var steps = new double[length];
        for (int start = 0; start < length;)
        {
            int end = Math.Min(length, start + Math.Max(1, (int)Math.Round(LogUniform(ref random, options.SegmentMinMs, options.SegmentMaxMs))));
            steps.AsSpan(start, end - start).Fill(random.NextDouble(0, ceiling));
            start = end;
        }
        // A Gaussian truncated at 3σ and renormalized at the trace's edges, so the rate keeps its level there.
        int reach = (int)Math.Ceiling(3 * sigma);
        var kernel = new double[2 * reach + 1];
        for (int i = -reach; i <= reach; i++)
        {
            kernel[i + reach] = Math.Exp(-0.5 * i * i / (sigma * sigma));
        }
        var excitatory = new double[length];
        var inhibitory = new double[length];
        for (int t = 0; t < length; t++)
        {
            double sum = 0, weight = 0;
            for (int i = Math.Max(0, t - reach); i <= Math.Min(length - 1, t + reach); i++)
            {
                double w = kernel[i - t + reach];
                sum += w * steps[i];
                weight += w;
            }
            excitatory[t] = sum / weight;
            inhibitory[t] = Math.Max(0, excitatory[t] + offset);
        }
        return new PopulationRates(excitatory, inhibitory);
    }

    private static double LogUniform(ref TraceRandom random, double low, double high) =>
        low * Math.Exp(random.NextDouble() * Math.Log(high / low));

    private static double MeanLength(IReadOnlyList<SynapseInfo> synapses, bool excitatory)
    {
        var lengths = synapses.Where(s => s.IsExcitatory == excitatory).Select(s => s.LengthUm).ToArray();
        return lengths.Length == 0 ? 1 : lengths.Average();
    }
}

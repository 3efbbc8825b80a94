namespace NeuronSurrogate.Metrics;

/// <summary>
/// Spikes of a voltage trace: upward crossings of 0 mV, at least a refractory period apart (DESIGN section 4).
/// The same detector is applied to the truth and to every model, so a spike's time means the same thing on both sides.
/// </summary>
public static class SpikeDetector
{
    /// <summary>The crossing threshold, the recording's (<see cref="Simulation.SpikeFlags.ThresholdMv"/>, 0 mV): far above any subthreshold value and far below the 30 mV apex.</summary>
    public const double ThresholdMv = Simulation.SpikeFlags.ThresholdMv;

    /// <summary>The refractory period after a detected spike, 1 ms.</summary>
    public const double RefractoryMs = 1;

    /// <summary>The spike times in ms: the time of the first step at or above 0 mV after a step below it.</summary>
    /// <param name="voltagesMv">The trace.</param>
    /// <param name="timeStepMs">Its step.</param>
    /// <param name="spikeTimesMs">Receives the times (cleared first).</param>
    public static void Detect(ReadOnlySpan<double> voltagesMv, double timeStepMs, List<double> spikeTimesMs)
    {
        ArgumentNullException.ThrowIfNull(spikeTimesMs);
        spikeTimesMs.Clear();
        double last = double.NegativeInfinity;
        // Before the trace the neuron is at rest, below threshold: a trace that starts above 0 mV starts with a spike.
        bool below = true;
        for (int t = 0; t < voltagesMv.Length; t++)
        {
            bool above = voltagesMv[t] >= ThresholdMv;
            if (above && below)
            {
                double time = t * timeStepMs;
                if (time - last >= RefractoryMs - 1e-9)
                {
                    spikeTimesMs.Add(time);
                    last = time;
                }
            }
            below = !above;
        }
    }

    /// <summary>The spike times of a trace, as a new list.</summary>
    public static List<double> Detect(ReadOnlySpan<double> voltagesMv, double timeStepMs)
    {
        var times = new List<double>();
        Detect(voltagesMv, timeStepMs, times);
        return times;
    }

    /// <summary>How many of <paramref name="traceCount"/> traces (trace-major, <paramref name="steps"/> each) have exactly the same spike times in both buffers.</summary>
    /// <remarks>How a rollout graph is checked against the C#-driven loop over its one-step graph.</remarks>
    public static int TracesWithSameSpikes(int traceCount, int steps, double timeStepMs, ReadOnlySpan<double> a, ReadOnlySpan<float> b)
    {
        int same = 0;
        var widened = new double[steps];
        for (int trace = 0; trace < traceCount; trace++)
        {
            for (int t = 0; t < steps; t++)
            {
                widened[t] = b[trace * steps + t];
            }
            same += Detect(a.Slice(trace * steps, steps), timeStepMs).SequenceEqual(Detect(widened, timeStepMs)) ? 1 : 0;
        }
        return same;
    }
}

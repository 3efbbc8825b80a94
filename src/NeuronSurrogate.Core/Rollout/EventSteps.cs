using NeuronSurrogate.Data;

namespace NeuronSurrogate.Rollout;

/// <summary>
/// Input events on the data grid: an event at time s is delivered at s and first shows in the voltage after it, so it
/// counts in data step floor(s / dt), like a current holding over [t·dt, (t + 1)·dt).
/// </summary>
public static class EventSteps
{
    /// <summary>The data step of an event time (a time on the grid, up to rounding, is that step).</summary>
    public static int StepOf(double timeMs, double timeStepMs) => (int)Math.Floor(timeMs / timeStepMs + 1e-6);

    /// <summary>A trace's events as (data step, synapse), in the events' order (sorted by time).</summary>
    /// <exception cref="ArgumentException">An event names a synapse outside 0 … <paramref name="synapseCount"/> − 1, lies before 0 ms, or the events are not sorted.</exception>
    public static (int[] Steps, int[] Synapses) Of(TraceEvents events, double timeStepMs, int synapseCount)
    {
        ArgumentNullException.ThrowIfNull(events);
        var steps = new int[events.Count];
        for (int i = 0; i < steps.Length; i++)
        {
            int synapse = events.Synapses[i];
            double time = events.TimesMs[i];
            if ((uint)synapse >= (uint)synapseCount)
            {
                throw new ArgumentException($"run {events.Run}, neuron {events.Neuron}: synapse {synapse}, but the model has synapses 0…{synapseCount - 1}");
            }
            if (!(time >= 0) || (i > 0 && time < events.TimesMs[i - 1]))
            {
                throw new ArgumentException($"run {events.Run}, neuron {events.Neuron}: event {i} at {time} ms; expected times ≥ 0, sorted");
            }
            steps[i] = StepOf(time, timeStepMs);
        }
        return (steps, events.Synapses);
    }

    /// <summary>The first index whose step is at least <paramref name="step"/> (the length when none is).</summary>
    public static int FirstAtOrAfter(int[] steps, int step)
    {
        ArgumentNullException.ThrowIfNull(steps);
        int low = 0, high = steps.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (steps[middle] < step)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }
}

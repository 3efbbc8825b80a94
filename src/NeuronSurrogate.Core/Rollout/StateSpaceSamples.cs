using NeuronSurrogate.Data;

namespace NeuronSurrogate.Rollout;

/// <summary>
/// Training rows of a state-space model: (v, u, I) at step t → (Δv, Δu) to step t + 1. Only steps the model is
/// responsible for are kept: not the spike steps (the reset rule decides those), and not the steps whose next value is
/// the recorded peak (that value is clipped by the recording, so its increment is censored).
/// </summary>
public static class StateSpaceSamples
{
    /// <summary>Builds the rows of every trace, every <paramref name="stride"/>-th eligible step.</summary>
    /// <returns>Row-major states <c>[rows, 3]</c> and increments <c>[rows, 2]</c>.</returns>
    public static (float[] States, float[] Increments) Build(TraceSet traces, SpikeResetRule rule, int stride = 1)
    {
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentNullException.ThrowIfNull(rule);
        var recovery = traces.Recovery ?? throw new InvalidOperationException("a state-space model needs the recovery variable u: generate the dataset with --recovery");
        var states = new List<float>();
        var increments = new List<float>();
        int eligible = 0;
        for (int trace = 0; trace < traces.TraceCount; trace++)
        {
            var v = traces.Trace(traces.VoltagesMv, trace);
            var u = traces.Trace(recovery, trace);
            var i = traces.Trace(traces.Currents, trace);
            for (int t = 0; t + 1 < traces.Steps; t++)
            {
                if (v[t] >= rule.PeakMv || v[t + 1] >= rule.PeakMv)
                {
                    continue;
                }
                if (eligible++ % stride != 0)
                {
                    continue;
                }
                states.Add((float)v[t]);
                states.Add((float)u[t]);
                states.Add((float)i[t]);
                increments.Add((float)(v[t + 1] - v[t]));
                increments.Add((float)(u[t + 1] - u[t]));
            }
        }
        return ([.. states], [.. increments]);
    }
}

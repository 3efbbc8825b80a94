using NeuronSurrogate.Data;

namespace NeuronSurrogate.Rollout;

/// <summary>
/// Training rows of a state-space model: the input row (v, u, I) at step t → (Δv, Δu) to step t + 1, laid out as
/// <see cref="StateSpaceSpec"/> says. Only steps the model is
/// responsible for are kept: not the spike steps (the reset rule decides those), and not the steps whose next value is
/// the recorded peak (that value is clipped by the recording, so its increment is censored).
/// </summary>
public static class StateSpaceSamples
{
    /// <summary>Builds the rows of every trace, every <paramref name="stride"/>-th eligible step.</summary>
    /// <returns>Row-major inputs <c>[rows, InputWidth]</c> and increments <c>[rows, OutputWidth]</c>.</returns>
    public static (float[] States, float[] Increments) Build(TraceSet traces, StateSpaceSpec spec, int stride = 1)
    {
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentNullException.ThrowIfNull(spec);
        double peak = spec.Rule.PeakMv;
        var recovery = traces.Recovery ?? throw new InvalidOperationException("a state-space model needs the recovery variable u: generate the dataset with --recovery");
        var states = new List<float>();
        var increments = new List<float>();
        Span<float> row = stackalloc float[StateSpaceSpec.InputWidth];
        int eligible = 0;
        for (int trace = 0; trace < traces.TraceCount; trace++)
        {
            var v = traces.Trace(traces.VoltagesMv, trace);
            var u = traces.Trace(recovery, trace);
            var i = traces.Trace(traces.Currents, trace);
            for (int t = 0; t + 1 < traces.Steps; t++)
            {
                if (v[t] >= peak || v[t + 1] >= peak)
                {
                    continue;
                }
                if (eligible++ % stride != 0)
                {
                    continue;
                }
                StateSpaceSpec.WriteInput(row, v[t], u[t], (float)i[t]);
                foreach (float x in row)
                {
                    states.Add(x);
                }
                increments.Add((float)(v[t + 1] - v[t]));
                increments.Add((float)(u[t + 1] - u[t]));
            }
        }
        return ([.. states], [.. increments]);
    }
}

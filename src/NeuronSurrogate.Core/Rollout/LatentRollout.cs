namespace NeuronSurrogate.Rollout;

/// <summary>
/// Runs a latent surrogate over whole traces, trace-major <c>[trace, step]</c>, every trace of the batch advanced
/// together, one stepper call per surrogate step: closed loop (given only the currents, fed its own state: the
/// surrogate as it replaces the simulator) or teacher-forced (before every step the state's voltage, spike flag and
/// peak flag are set from the true voltages, so its memory is driven by the truth: a diagnostic).
/// </summary>
public static class LatentRollout
{
    /// <summary>Closed-loop rollout from the spec's initial state.</summary>
    /// <param name="stepper">The model.</param>
    /// <param name="inputs">One trace-major array per input column of the spec, in its order.</param>
    /// <param name="predictionsMv">Receives the voltages, same layout; step 0 is the initial voltage.</param>
    /// <param name="traceCount">Number of traces.</param>
    /// <returns>Per trace, the first step whose voltage was NaN or beyond ±1000 mV (that step and the rest are NaN), or −1.</returns>
    public static int[] ClosedLoop(ILatentStepper stepper, IReadOnlyList<double[]> inputs, Span<double> predictionsMv, int traceCount) =>
        Run(stepper, inputs, null, predictionsMv, traceCount);

    /// <summary>Teacher-forced rollout: each step starts from the true voltage before it.</summary>
    /// <param name="stepper">The model.</param>
    /// <param name="inputs">One trace-major array per input column of the spec, in its order.</param>
    /// <param name="trueVoltagesMv">The true voltages, same layout.</param>
    /// <param name="predictionsMv">Receives the voltages, same layout.</param>
    /// <param name="traceCount">Number of traces.</param>
    /// <returns>Per trace, the first step that diverged, or −1.</returns>
    public static int[] TeacherForced(ILatentStepper stepper, IReadOnlyList<double[]> inputs, double[] trueVoltagesMv, Span<double> predictionsMv, int traceCount)
    {
        ArgumentNullException.ThrowIfNull(trueVoltagesMv);
        return Run(stepper, inputs, trueVoltagesMv, predictionsMv, traceCount);
    }

    private static int[] Run(ILatentStepper stepper, IReadOnlyList<double[]> inputs, double[]? truth, Span<double> predictionsMv, int traceCount)
    {
        ArgumentNullException.ThrowIfNull(stepper);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(traceCount);
        var spec = stepper.Spec;
        if (inputs.Count != spec.InputCount)
        {
            throw new ArgumentException($"{inputs.Count} input columns for a model that reads {spec.InputCount} ({string.Join(", ", spec.Inputs.Select(i => i.Column))})");
        }
        int values = inputs[0].Length;
        if (values % traceCount != 0 || inputs.Any(i => i.Length != values) || predictionsMv.Length != values || (truth is not null && truth.Length != values))
        {
            throw new ArgumentException($"buffers of {values} and {predictionsMv.Length} values do not hold {traceCount} traces of equal length");
        }
        int steps = values / traceCount, k = spec.StepFactor, columns = spec.InputCount, size = spec.StateSize;
        var initial = spec.InitialState();
        var state = new float[traceCount * size];
        for (int trace = 0; trace < traceCount; trace++)
        {
            initial.CopyTo(state, trace * size);
        }
        var currents = new float[traceCount * k * columns];
        var voltages = new float[traceCount * k];
        var probability = new float[traceCount];
        var diverged = new int[traceCount];
        Array.Fill(diverged, -1);
        predictionsMv.Fill(double.NaN);
        for (int trace = 0; trace < traceCount && steps > 0; trace++)
        {
            predictionsMv[trace * steps] = spec.InitialVoltageMv;
        }
        double threshold = spec.SpikeThresholdMv;
        for (int t = 0; t + 1 < steps; t += k)
        {
            for (int trace = 0; trace < traceCount; trace++)
            {
                int row = trace * k * columns;
                for (int j = 0; j < k; j++)
                {
                    // Past the end of the trace the last current is held; those outputs are never recorded.
                    int source = trace * steps + Math.Min(t + j, steps - 1);
                    for (int c = 0; c < columns; c++)
                    {
                        currents[row + j * columns + c] = (float)inputs[c][source];
                    }
                }
                if (truth is not null)
                {
                    double v = truth[trace * steps + t];
                    double before = t > 0 ? truth[trace * steps + t - 1] : spec.InitialVoltageMv;
                    var s = state.AsSpan(trace * size, size);
                    s[LatentSpec.VoltageIndex] = (float)v;
                    s[LatentSpec.SpikeFlagIndex] = before < threshold && v >= threshold ? 1 : 0;
                    s[LatentSpec.PeakFlagIndex] = spec.Rule is { } rule && v >= rule.PeakMv ? 1 : 0;
                }
            }
            stepper.Advance(currents, state, voltages, probability, traceCount);
            for (int trace = 0; trace < traceCount; trace++)
            {
                if (diverged[trace] >= 0)
                {
                    continue;
                }
                for (int j = 0; j < k && t + 1 + j < steps; j++)
                {
                    double v = voltages[trace * k + j];
                    if (!(Math.Abs(v) <= VoltageLagRollout.DivergenceLimitMv))
                    {
                        diverged[trace] = t + 1 + j;
                        break;
                    }
                    predictionsMv[trace * steps + t + 1 + j] = v;
                }
            }
        }
        return diverged;
    }
}

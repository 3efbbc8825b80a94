using NeuronSurrogate.Features;

namespace NeuronSurrogate.Rollout;

/// <summary>
/// Runs a voltage-lag (NARX) one-step predictor over whole traces, trace-major <c>[trace, step]</c>:
/// teacher-forced (fed the true past voltages: a one-step diagnostic) or closed loop (fed its own predictions:
/// the surrogate as it is used when it replaces the simulator, and the project's headline mode).
/// </summary>
public static class VoltageLagRollout
{
    /// <summary>A rollout that leaves these bounds has diverged (DESIGN: NaN, or beyond ±1000 mV).</summary>
    public const double DivergenceLimitMv = 1000;

    /// <summary>Teacher-forced prediction: V(t) from the true V(t−k) and I(t−m), for every step of every trace.</summary>
    /// <param name="spec">The features.</param>
    /// <param name="predictor">The model.</param>
    /// <param name="currents">Currents, <c>[traces, steps]</c>.</param>
    /// <param name="trueVoltagesMv">True voltages, same layout.</param>
    /// <param name="predictionsMv">Receives the predictions, same layout.</param>
    /// <param name="traceCount">Number of traces.</param>
    /// <param name="rule">The peak → reset rule, applied with the true V(t−1); null for none.</param>
    /// <param name="batchRows">Rows per predictor call.</param>
    public static void TeacherForced(FeatureSpec spec, IOneStepPredictor predictor, ReadOnlySpan<double> currents,
        ReadOnlySpan<double> trueVoltagesMv, Span<double> predictionsMv, int traceCount, SpikeResetRule? rule, int batchRows = 16384)
    {
        int steps = CheckShapes(spec, predictor, currents.Length, trueVoltagesMv.Length, predictionsMv.Length, traceCount);
        int width = spec.Count;
        var features = new float[batchRows * width];
        var outputs = new float[batchRows];
        long total = (long)traceCount * steps;
        for (long start = 0; start < total; start += batchRows)
        {
            int rows = (int)Math.Min(batchRows, total - start);
            for (int r = 0; r < rows; r++)
            {
                int trace = (int)((start + r) / steps), t = (int)((start + r) % steps);
                spec.Fill(trueVoltagesMv.Slice(trace * steps, steps), currents.Slice(trace * steps, steps), t, features.AsSpan(r * width, width));
            }
            predictor.Predict(features.AsSpan(0, rows * width), outputs.AsSpan(0, rows), rows);
            for (int r = 0; r < rows; r++)
            {
                int trace = (int)((start + r) / steps), t = (int)((start + r) % steps);
                double previous = t >= 1 ? trueVoltagesMv[trace * steps + t - 1] : spec.VoltagePaddingMv;
                double v = spec.VoltageFrom(outputs[r], previous);
                predictionsMv[trace * steps + t] = rule is null ? v : rule.Apply(previous, v);
            }
        }
    }

    /// <summary>
    /// Closed-loop rollout: every trace of the batch advances together, one predictor call per step for all of them,
    /// each fed its own past predictions as voltage lags (padded with v0 before the start) and the true currents.
    /// </summary>
    /// <returns>Per trace, the first step whose prediction was NaN or beyond ±1000 mV (the trace is stopped there and
    /// its remaining steps are NaN), or −1.</returns>
    public static int[] ClosedLoop(FeatureSpec spec, IOneStepPredictor predictor, ReadOnlySpan<double> currents,
        Span<double> predictionsMv, int traceCount, SpikeResetRule? rule)
    {
        int steps = CheckShapes(spec, predictor, currents.Length, currents.Length, predictionsMv.Length, traceCount);
        int width = spec.Count;
        var features = new float[traceCount * width];
        var outputs = new float[traceCount];
        var diverged = new int[traceCount];
        Array.Fill(diverged, -1);
        predictionsMv.Fill(double.NaN);
        for (int t = 0; t < steps; t++)
        {
            for (int trace = 0; trace < traceCount; trace++)
            {
                spec.Fill(predictionsMv.Slice(trace * steps, steps), currents.Slice(trace * steps, steps), t, features.AsSpan(trace * width, width));
            }
            predictor.Predict(features, outputs, traceCount);
            for (int trace = 0; trace < traceCount; trace++)
            {
                if (diverged[trace] >= 0)
                {
                    continue;
                }
                double previous = t >= 1 ? predictionsMv[trace * steps + t - 1] : spec.VoltagePaddingMv;
                double v = spec.VoltageFrom(outputs[trace], previous);
                v = rule is null ? v : rule.Apply(previous, v);
                if (!(Math.Abs(v) <= DivergenceLimitMv))
                {
                    diverged[trace] = t;
                    continue;
                }
                predictionsMv[trace * steps + t] = v;
            }
        }
        return diverged;
    }

    private static int CheckShapes(FeatureSpec spec, IOneStepPredictor predictor, int currents, int voltages, int predictions, int traceCount)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(predictor);
        spec.Validate();
        if (predictor.FeatureCount != spec.Count)
        {
            throw new ArgumentException($"the predictor takes {predictor.FeatureCount} features, the feature spec makes {spec.Count}");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(traceCount);
        if (currents % traceCount != 0 || voltages != currents || predictions != currents)
        {
            throw new ArgumentException($"buffers of {currents}, {voltages} and {predictions} values do not hold {traceCount} traces of equal length");
        }
        return currents / traceCount;
    }
}

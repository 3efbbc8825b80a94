using NeuronSurrogate.Data;

namespace NeuronSurrogate.Metrics;

/// <summary>Scores predicted traces against their truth with <see cref="SpikeTrainMetrics"/>, trace by trace.</summary>
public static class Evaluation
{
    /// <summary>The per-trace metrics of <paramref name="predictionsMv"/> (trace-major, like <paramref name="truth"/>).</summary>
    public static TraceMetrics[] PerTrace(TraceSet truth, ReadOnlySpan<double> predictionsMv)
    {
        ArgumentNullException.ThrowIfNull(truth);
        if (predictionsMv.Length != truth.VoltagesMv.Length)
        {
            throw new ArgumentException($"{predictionsMv.Length} predictions for {truth.VoltagesMv.Length} true samples", nameof(predictionsMv));
        }
        var result = new TraceMetrics[truth.TraceCount];
        for (int trace = 0; trace < truth.TraceCount; trace++)
        {
            result[trace] = SpikeTrainMetrics.Compute(truth.Trace(truth.VoltagesMv, trace), predictionsMv.Slice(trace * truth.Steps, truth.Steps), truth.TimeStepMs);
        }
        return result;
    }

    /// <summary>The aggregated metrics of <paramref name="predictionsMv"/>.</summary>
    public static MetricSummary Summarize(TraceSet truth, ReadOnlySpan<double> predictionsMv) => MetricSummary.From(PerTrace(truth, predictionsMv));
}

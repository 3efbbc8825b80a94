using NeuronSurrogate.Data;
using NeuronSurrogate.Metrics;

namespace NeuronSurrogate.Train;

/// <summary>
/// Where a set's clipped voltage varies, against the time since the truth's last spike: each band's share of the samples,
/// its share of the squared deviation about the set's clipped mean (the variance that clipped RMSE and variance explained
/// are measured against), and a prediction's RMSE in it. Clipped at <see cref="FieldMetrics.ClipMv"/> as the field's
/// metrics are; samples before a trace's first spike count as long after one.
/// </summary>
internal sealed class SpikeBands
{
    /// <summary>The bands' upper edges, ms since the last spike; the last band is everything later.</summary>
    public static readonly IReadOnlyList<double> EdgesMs = [5, 20, 50, 100];

    private readonly long[] _samples = new long[EdgesMs.Count + 1];
    private readonly double[] _sum = new double[EdgesMs.Count + 1], _sumOfSquares = new double[EdgesMs.Count + 1], _squaredError = new double[EdgesMs.Count + 1];

    /// <summary>Adds every trace of a set and its prediction at the data step.</summary>
    public void Add(TraceSet traces, ReadOnlySpan<double> predictedMv)
    {
        ArgumentNullException.ThrowIfNull(traces);
        for (int trace = 0; trace < traces.TraceCount; trace++)
        {
            var truth = traces.Trace(traces.VoltagesMv, trace);
            var prediction = predictedMv.Slice(trace * traces.Steps, traces.Steps);
            var spikes = SpikeDetector.Detect(truth, traces.TimeStepMs);
            int next = 0;
            double last = double.NegativeInfinity;
            for (int t = 0; t < truth.Length; t++)
            {
                double time = t * traces.TimeStepMs;
                while (next < spikes.Count && spikes[next] <= time)
                {
                    last = spikes[next++];
                }
                int band = Band(time - last);
                double v = Math.Min(truth[t], FieldMetrics.ClipMv), error = Math.Min(prediction[t], FieldMetrics.ClipMv) - v;
                _samples[band]++;
                _sum[band] += v;
                _sumOfSquares[band] += v * v;
                _squaredError[band] += error * error;
            }
        }
    }

    /// <summary>The band of a time since the last spike.</summary>
    public static int Band(double sinceMs)
    {
        int band = 0;
        while (band < EdgesMs.Count && sinceMs >= EdgesMs[band])
        {
            band++;
        }
        return band;
    }

    /// <summary>Each band's label, share of the samples, share of the squared deviation about the pooled mean, and the prediction's RMSE (mV).</summary>
    public IReadOnlyList<(string Band, double TimeShare, double VarianceShare, double RmseMv)> Rows()
    {
        long samples = _samples.Sum();
        double mean = _sum.Sum() / samples;
        var deviation = Enumerable.Range(0, _samples.Length).Select(b => _sumOfSquares[b] - 2 * mean * _sum[b] + _samples[b] * mean * mean).ToArray();
        double total = deviation.Sum();
        return Enumerable.Range(0, _samples.Length).Select(b => (
            b == 0 ? $"< {EdgesMs[0]} ms" : b < EdgesMs.Count ? $"{EdgesMs[b - 1]}–{EdgesMs[b]} ms" : $"≥ {EdgesMs[^1]} ms (or no spike yet)",
            (double)_samples[b] / samples,
            deviation[b] / total,
            _samples[b] > 0 ? Math.Sqrt(_squaredError[b] / _samples[b]) : double.NaN)).ToArray();
    }
}

using System.Text.Json.Serialization;
using static System.FormattableString;

namespace NeuronSurrogate.Metrics;

/// <summary>
/// Where a set's clipped voltage varies, against the time since the truth's last spike: each band's share of the samples,
/// its share of the squared deviation about the set's clipped mean (the variance that clipped RMSE and variance explained
/// are measured against), and a prediction's RMSE in it. Clipped at <see cref="FieldMetrics.ClipMv"/> as the field's
/// metrics are; samples before a trace's first spike count as long after one. On a cell that fires, most of the clipped
/// variance lies in the few milliseconds after each spike, so the clipped RMSE mostly measures spike timing; the last
/// band tells how well a model follows the voltage far from spikes.
/// </summary>
public sealed class SpikeBands
{
    /// <summary>The bands' upper edges, ms since the last spike; the last band is everything later.</summary>
    public static readonly IReadOnlyList<double> EdgesMs = [5, 20, 50, 100];

    private readonly long[] _samples = new long[EdgesMs.Count + 1];
    private readonly double[] _sum = new double[EdgesMs.Count + 1], _sumOfSquares = new double[EdgesMs.Count + 1], _squaredError = new double[EdgesMs.Count + 1];

    /// <summary>Adds one trace and its prediction at the same steps.</summary>
    /// <param name="truthMv">The true voltage.</param>
    /// <param name="predictedMv">The predicted voltage.</param>
    /// <param name="timeStepMs">The step between samples.</param>
    /// <param name="spikeTimesMs">The truth's spike times (<see cref="SpikeDetector.Detect(ReadOnlySpan{double}, double)"/>), ascending.</param>
    public void Add(ReadOnlySpan<double> truthMv, ReadOnlySpan<double> predictedMv, double timeStepMs, IReadOnlyList<double> spikeTimesMs)
    {
        ArgumentNullException.ThrowIfNull(spikeTimesMs);
        if (predictedMv.Length != truthMv.Length)
        {
            throw new ArgumentException($"{predictedMv.Length} predictions for {truthMv.Length} true samples");
        }
        int next = 0;
        double last = double.NegativeInfinity;
        for (int t = 0; t < truthMv.Length; t++)
        {
            double time = t * timeStepMs;
            while (next < spikeTimesMs.Count && spikeTimesMs[next] <= time)
            {
                last = spikeTimesMs[next++];
            }
            int band = Band(time - last);
            double v = Math.Min(truthMv[t], FieldMetrics.ClipMv), error = Math.Min(predictedMv[t], FieldMetrics.ClipMv) - v;
            _samples[band]++;
            _sum[band] += v;
            _sumOfSquares[band] += v * v;
            _squaredError[band] += error * error;
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

    /// <summary>Every band, in order of the time since the last spike; empty before any sample.</summary>
    public IReadOnlyList<SpikeBand> Rows()
    {
        long samples = _samples.Sum();
        if (samples == 0)
        {
            return [];
        }
        double mean = _sum.Sum() / samples;
        var deviation = Enumerable.Range(0, _samples.Length).Select(b => _sumOfSquares[b] - 2 * mean * _sum[b] + _samples[b] * mean * mean).ToArray();
        double total = deviation.Sum();
        return Enumerable.Range(0, _samples.Length).Select(b => new SpikeBand(
            b == 0 ? 0 : EdgesMs[b - 1],
            b < EdgesMs.Count ? EdgesMs[b] : null,
            (double)_samples[b] / samples,
            total > 0 ? deviation[b] / total : double.NaN,
            _samples[b] > 0 ? Math.Sqrt(_squaredError[b] / _samples[b]) : double.NaN)).ToArray();
    }
}

/// <summary>One band of <see cref="SpikeBands"/>: the samples whose time since the truth's last spike is in [from, to).</summary>
/// <param name="FromMs">The band's lower edge, ms since the last spike.</param>
/// <param name="ToMs">Its upper edge; null for the last band, which also holds the samples before a trace's first spike.</param>
/// <param name="TimeShare">The band's share of the samples.</param>
/// <param name="VarianceShare">Its share of the squared deviation of the clipped truth about the set's clipped mean.</param>
/// <param name="RmseClippedMv">The prediction's RMSE in the band, both voltages clipped.</param>
public sealed record SpikeBand(
    [property: JsonPropertyName("from_ms")] double FromMs,
    [property: JsonPropertyName("to_ms")] double? ToMs,
    [property: JsonPropertyName("time_share")] double TimeShare,
    [property: JsonPropertyName("variance_share")] double VarianceShare,
    [property: JsonPropertyName("rmse_clipped_mv")] double RmseClippedMv)
{
    /// <summary>The band as a table shows it.</summary>
    [JsonIgnore]
    public string Label => ToMs is { } to ? (FromMs == 0 ? Invariant($"< {to:G} ms") : Invariant($"{FromMs:G}–{to:G} ms")) : Invariant($"≥ {FromMs:G} ms (or no spike yet)");
}

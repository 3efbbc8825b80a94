namespace NeuronSurrogate.Metrics;

/// <summary>
/// The metrics the synaptic-input literature reports (Beniaguev, Segev and London 2021; Spieler et al. 2024), pooled
/// over every trace added: the spike prediction's ROC AUC in 1 ms bins, its true-positive rate at 0.25 % and 1 % false
/// positives, and the soma's RMSE and variance explained with both voltages clipped at −55 mV (spikes cut off), also
/// split by the time since the truth's last spike (<see cref="SpikeBands"/>). The clipped RMSE and variance explained
/// come twice: over every sample, and over the samples at whole milliseconds only, as the literature's traces are
/// recorded (1 ms resolution). Over every 0.1 ms sample the spike's passage through −55 mV within a millisecond weighs
/// in: on the synaptic pyramidal cell the truth's own end-of-bin voltage, held over each 1 ms bin, already errs by
/// 0.66–0.94 mV, and each bin's clipped mean by 0.36–0.53 mV.
/// </summary>
/// <remarks>
/// A bin is positive where the truth crosses 0 mV upward inside it (<see cref="SpikeDetector"/>). Its score is the
/// model's largest spike probability in the bin where the model gives one, else its largest predicted voltage: any
/// score that grows with the model's belief in a spike serves a ROC curve, and a voltage-only surrogate has no other.
/// </remarks>
public sealed class FieldMetrics
{
    /// <summary>The bin width, ms.</summary>
    public const double BinMs = 1.0;

    /// <summary>The clipping voltage, mV.</summary>
    public const double ClipMv = -55.0;

    private readonly List<(double Score, bool Spike)> _bins = [];
    private readonly SpikeBands _bands = new();
    private double _squaredError, _sum, _sumOfSquares;
    private long _samples;
    private double _squaredError1Ms, _sum1Ms, _sumOfSquares1Ms;
    private long _samples1Ms;
    private bool _probabilities, _voltages;

    /// <summary>Adds one trace.</summary>
    /// <param name="truthMv">The true voltage.</param>
    /// <param name="predictedMv">The predicted voltage.</param>
    /// <param name="timeStepMs">The step between samples.</param>
    /// <param name="spikeProbability">The model's spike probability per sample, if it gives one.</param>
    public void Add(ReadOnlySpan<double> truthMv, ReadOnlySpan<double> predictedMv, double timeStepMs, ReadOnlySpan<double> spikeProbability = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeStepMs);
        if (predictedMv.Length != truthMv.Length || (!spikeProbability.IsEmpty && spikeProbability.Length != truthMv.Length))
        {
            throw new ArgumentException($"{predictedMv.Length} predictions and {spikeProbability.Length} probabilities for {truthMv.Length} true samples");
        }
        var score = spikeProbability.IsEmpty ? predictedMv : spikeProbability;
        _probabilities |= !spikeProbability.IsEmpty;
        _voltages |= spikeProbability.IsEmpty;
        int bins = (int)Math.Floor(truthMv.Length * timeStepMs / BinMs + 1e-9);
        var spikes = new bool[bins];
        var spikeTimes = SpikeDetector.Detect(truthMv, timeStepMs);
        _bands.Add(truthMv, predictedMv, timeStepMs, spikeTimes);
        foreach (double t in spikeTimes)
        {
            int b = (int)Math.Floor(t / BinMs);
            if (b < bins)
            {
                spikes[b] = true;
            }
        }
        for (int b = 0; b < bins; b++)
        {
            int first = (int)Math.Ceiling(b * BinMs / timeStepMs - 1e-9), end = Math.Min(truthMv.Length, (int)Math.Ceiling((b + 1) * BinMs / timeStepMs - 1e-9));
            double best = double.NegativeInfinity;
            for (int k = first; k < end; k++)
            {
                best = Math.Max(best, score[k]);
            }
            _bins.Add((best, spikes[b]));
        }
        for (int k = 0; k < truthMv.Length; k++)
        {
            double truth = Math.Min(truthMv[k], ClipMv), predicted = Math.Min(predictedMv[k], ClipMv);
            _squaredError += (truth - predicted) * (truth - predicted);
            _sum += truth;
            _sumOfSquares += truth * truth;
        }
        _samples += truthMv.Length;
        // The samples at whole milliseconds (0, 1, 2 … ms): the nearest step to each, where one lies within a tenth of a step.
        for (int m = 0; ; m++)
        {
            double at = m * BinMs / timeStepMs;
            int k = (int)Math.Round(at);
            if (k >= truthMv.Length)
            {
                break;
            }
            if (Math.Abs(at - k) > 0.1)
            {
                continue;
            }
            double truth = Math.Min(truthMv[k], ClipMv), predicted = Math.Min(predictedMv[k], ClipMv);
            _squaredError1Ms += (truth - predicted) * (truth - predicted);
            _sum1Ms += truth;
            _sumOfSquares1Ms += truth * truth;
            _samples1Ms++;
        }
    }

    /// <summary>The bins scored so far.</summary>
    public int Bins => _bins.Count;

    /// <summary>Writes the pooled figures into <paramref name="summary"/>.</summary>
    public MetricSummary AddTo(MetricSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var (auc, tpr025, tpr1) = Roc();
        double mean = _samples > 0 ? _sum / _samples : double.NaN;
        double variance = _samples > 0 ? _sumOfSquares / _samples - mean * mean : double.NaN;
        double mse = _samples > 0 ? _squaredError / _samples : double.NaN;
        double mean1Ms = _samples1Ms > 0 ? _sum1Ms / _samples1Ms : double.NaN;
        double variance1Ms = _samples1Ms > 0 ? _sumOfSquares1Ms / _samples1Ms - mean1Ms * mean1Ms : double.NaN;
        double mse1Ms = _samples1Ms > 0 ? _squaredError1Ms / _samples1Ms : double.NaN;
        return summary with
        {
            SpikeAuc = auc,
            SpikeTprAtFpr025 = tpr025,
            SpikeTprAtFpr1 = tpr1,
            SpikeScore = _probabilities && _voltages ? "mixed" : _probabilities ? "probability" : "voltage",
            RmseClippedMv = Math.Sqrt(mse),
            VarianceExplainedClipped = variance > 0 ? 1 - mse / variance : double.NaN,
            RmseClipped1MsMv = Math.Sqrt(mse1Ms),
            VarianceExplainedClipped1Ms = variance1Ms > 0 ? 1 - mse1Ms / variance1Ms : double.NaN,
            ClippedBySinceSpike = _samples > 0 ? _bands.Rows() : null,
        };
    }

    /// <summary>The ROC curve, (false-positive rate, true-positive rate) from (0, 0) after each group of tied scores; empty without both classes.</summary>
    public IReadOnlyList<(double Fpr, double Tpr)> RocCurve()
    {
        var points = new List<(double, double)>();
        if (Walk((fpr, tpr, _) => points.Add((fpr, tpr))) is null)
        {
            return [];
        }
        points.Insert(0, (0, 0));
        return points;
    }

    /// <summary>ROC AUC (ties count one half) and the true-positive rate at the largest threshold whose false-positive rate is within 0.25 % and 1 %; NaN without both classes.</summary>
    private (double Auc, double Tpr025, double Tpr1) Roc()
    {
        double tpr025 = 0, tpr1 = 0;
        double? auc = Walk((fpr, tpr, _) =>
        {
            if (fpr <= 0.0025)
            {
                tpr025 = tpr;
            }
            if (fpr <= 0.01)
            {
                tpr1 = tpr;
            }
        });
        return auc is { } area ? (area, tpr025, tpr1) : (double.NaN, double.NaN, double.NaN);
    }

    /// <summary>
    /// Walks the bins from the highest score down, one group of tied scores at a time, calling <paramref name="visit"/>
    /// with the rates after each group; returns the AUC, or null without both classes.
    /// </summary>
    private double? Walk(Action<double, double, double> visit)
    {
        long positives = _bins.Count(b => b.Spike), negatives = _bins.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return null;
        }
        var sorted = _bins.OrderByDescending(b => b.Score).ToArray();
        double area = 0;
        long tp = 0, fp = 0;
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            long tiedTp = 0, tiedFp = 0;
            while (j < sorted.Length && sorted[j].Score.Equals(sorted[i].Score))
            {
                if (sorted[j].Spike)
                {
                    tiedTp++;
                }
                else
                {
                    tiedFp++;
                }
                j++;
            }
            // Each negative in this tie group is beaten by every positive above it and half of those tied with it.
            area += tiedFp * (tp + 0.5 * tiedTp);
            tp += tiedTp;
            fp += tiedFp;
            visit(fp / (double)negatives, tp / (double)positives, sorted[i].Score);
            i = j;
        }
        return area / ((double)positives * negatives);
    }
}

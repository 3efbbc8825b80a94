namespace NeuronSurrogate.Metrics;

/// <summary>
/// The one implementation of the project's metrics, used for every model and baseline (DESIGN section 5).
/// </summary>
public static class SpikeTrainMetrics
{
    /// <summary>The coincidence window Δ, 2 ms, for matching, Γ and the subthreshold mask.</summary>
    public const double WindowMs = 2;

    /// <summary>Matches spikes one to one within ±<paramref name="windowMs"/>, greedily in time order: each true spike takes
    /// the earliest model spike not yet taken that lies within the window.</summary>
    /// <returns>The number of matched pairs.</returns>
    public static int Match(IReadOnlyList<double> trueTimesMs, IReadOnlyList<double> modelTimesMs, double windowMs = WindowMs)
    {
        ArgumentNullException.ThrowIfNull(trueTimesMs);
        ArgumentNullException.ThrowIfNull(modelTimesMs);
        int matches = 0, next = 0;
        foreach (double truth in trueTimesMs)
        {
            // Model spikes too early for this true spike are too early for every later one as well.
            while (next < modelTimesMs.Count && modelTimesMs[next] < truth - windowMs - 1e-9)
            {
                next++;
            }
            if (next < modelTimesMs.Count && Math.Abs(modelTimesMs[next] - truth) <= windowMs + 1e-9)
            {
                matches++;
                next++;
            }
        }
        return matches;
    }

    /// <summary>
    /// The coincidence factor of Kistler et al. (1997, Neural Comput. 9:1015) as used by Jolivet et al. (2008,
    /// J. Neurosci. Methods 169:417): Γ = (N_coinc − ⟨N_coinc⟩) / (½(N_data + N_model)) · 1/𝒩, with
    /// ⟨N_coinc⟩ = 2ΔνN_data, ν the model's rate and 𝒩 = 1 − 2νΔ. 1 is perfect timing, about 0 is chance.
    /// </summary>
    /// <remarks>Both trains empty: 1 (they agree). A model firing so fast that 2νΔ ≥ 1 (over 250 Hz at Δ = 2 ms) cannot be
    /// told from chance: 0.</remarks>
    public static double Gamma(int trueSpikes, int modelSpikes, int coincidences, double durationMs, double windowMs = WindowMs)
    {
        if (trueSpikes + modelSpikes == 0)
        {
            return 1;
        }
        double rate = modelSpikes / durationMs;
        double normalization = 1 - 2 * rate * windowMs;
        if (normalization <= 0)
        {
            return 0;
        }
        double expected = 2 * windowMs * rate * trueSpikes;
        return (coincidences - expected) / (0.5 * (trueSpikes + modelSpikes)) / normalization;
    }

    /// <summary>All metrics of one trace.</summary>
    /// <param name="truthMv">The true voltages.</param>
    /// <param name="predictionMv">The predicted voltages, same length.</param>
    /// <param name="timeStepMs">The step.</param>
    public static TraceMetrics Compute(ReadOnlySpan<double> truthMv, ReadOnlySpan<double> predictionMv, double timeStepMs)
    {
        if (truthMv.Length != predictionMv.Length)
        {
            throw new ArgumentException($"truth has {truthMv.Length} samples, prediction {predictionMv.Length}", nameof(predictionMv));
        }
        if (truthMv.IsEmpty)
        {
            throw new ArgumentException("an empty trace has no metrics", nameof(truthMv));
        }
        var trueTimes = SpikeDetector.Detect(truthMv, timeStepMs);
        var modelTimes = SpikeDetector.Detect(predictionMv, timeStepMs);
        double sum = 0, subSum = 0;
        int subCount = 0, nextSpike = 0;
        for (int t = 0; t < truthMv.Length; t++)
        {
            double error = predictionMv[t] - truthMv[t];
            sum += error * error;
            double time = t * timeStepMs;
            while (nextSpike < trueTimes.Count && trueTimes[nextSpike] < time - WindowMs)
            {
                nextSpike++;
            }
            bool nearSpike = nextSpike < trueTimes.Count && Math.Abs(trueTimes[nextSpike] - time) <= WindowMs;
            if (!nearSpike)
            {
                subSum += error * error;
                subCount++;
            }
        }
        double duration = truthMv.Length * timeStepMs;
        var spikes = Compare(trueTimes, modelTimes, duration);
        return new TraceMetrics(
            Math.Sqrt(sum / truthMv.Length),
            subCount > 0 ? Math.Sqrt(subSum / subCount) : double.NaN,
            trueTimes.Count, modelTimes.Count, spikes.Matches, spikes.Precision, spikes.Recall, spikes.F1, spikes.Gamma, duration);
    }

    /// <summary>
    /// The spike-train metrics of two lists of spike times over <paramref name="durationMs"/>: matches within ±Δ, precision,
    /// recall and F1 (1 where neither fires), and Γ. For spike trains read off voltages recorded at different steps.
    /// </summary>
    public static (int Matches, double Precision, double Recall, double F1, double Gamma) Compare(IReadOnlyList<double> trueTimesMs, IReadOnlyList<double> modelTimesMs, double durationMs)
    {
        ArgumentNullException.ThrowIfNull(trueTimesMs);
        ArgumentNullException.ThrowIfNull(modelTimesMs);
        int matches = Match(trueTimesMs, modelTimesMs);
        int nTrue = trueTimesMs.Count, nModel = modelTimesMs.Count;
        double precision = nModel > 0 ? (double)matches / nModel : nTrue == 0 ? 1 : 0;
        double recall = nTrue > 0 ? (double)matches / nTrue : nModel == 0 ? 1 : 0;
        double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        return (matches, precision, recall, f1, Gamma(nTrue, nModel, matches, durationMs));
    }
}

namespace NeuronSurrogate.Torch;

/// <summary>Which steps of each free-running window count in the loss (<see cref="LatentMask"/>).</summary>
internal static class LatentMasks
{
    /// <summary>Fills <paramref name="mask"/> <c>[B, L]</c> with 1 where the error counts, 0 elsewhere.</summary>
    /// <param name="kind">The rule (not <see cref="LatentMask.Auto"/>).</param>
    /// <param name="predicted">[B, L]: the network's voltages.</param>
    /// <param name="truth">[B, L]: the true voltages.</param>
    /// <param name="start">[B]: the voltage both traces start from.</param>
    /// <param name="length">L.</param>
    /// <param name="threshold">The spike threshold (mV).</param>
    /// <param name="matchSteps">For <see cref="LatentMask.MatchedSpikes"/>: spikes this many steps apart or fewer are matched.</param>
    /// <param name="mask">Receives the mask.</param>
    /// <param name="overrun">For <see cref="LatentMask.MatchedSpikes"/>: steps after the first unmatched spike that still count.</param>
    public static void Fill(LatentMask kind, ReadOnlySpan<float> predicted, ReadOnlySpan<float> truth, ReadOnlySpan<float> start, int length,
        float threshold, int matchSteps, Span<float> mask, int overrun = 0)
    {
        mask.Clear();
        var predictedSpikes = new List<int>();
        var trueSpikes = new List<int>();
        for (int b = 0; b < start.Length; b++)
        {
            var p = predicted.Slice(b * length, length);
            var q = truth.Slice(b * length, length);
            int end = length;
            for (int s = 0; s < length; s++)
            {
                if (!float.IsFinite(p[s]))
                {
                    end = s;
                    break;
                }
            }
            predictedSpikes.Clear();
            trueSpikes.Clear();
            float beforeP = start[b], beforeQ = start[b];
            for (int s = 0; s < end; s++)
            {
                if (beforeP < threshold && p[s] >= threshold)
                {
                    predictedSpikes.Add(s);
                }
                if (beforeQ < threshold && q[s] >= threshold)
                {
                    trueSpikes.Add(s);
                }
                beforeP = p[s];
                beforeQ = q[s];
            }
            end = kind switch
            {
                LatentMask.FirstSpike => Math.Min(end, Math.Min(First(trueSpikes, end), First(predictedSpikes, end)) + 1),
                LatentMask.MatchedSpikes => Math.Min(end, FirstUnmatched(trueSpikes, predictedSpikes, matchSteps, end) + 1 + overrun),
                _ => end,
            };
            mask.Slice(b * length, Math.Min(end, length)).Fill(1);
        }
    }

    private static int First(List<int> spikes, int none) => spikes.Count > 0 ? spikes[0] : none;

    /// <summary>The step of the first spike, in either trace, that has no partner within <paramref name="window"/> steps in the other.</summary>
    private static int FirstUnmatched(List<int> truth, List<int> model, int window, int none)
    {
        int i = 0, j = 0;
        while (i < truth.Count || j < model.Count)
        {
            if (i < truth.Count && j < model.Count && Math.Abs(truth[i] - model[j]) <= window)
            {
                i++;
                j++;
                continue;
            }
            return Math.Min(i < truth.Count ? truth[i] : none, j < model.Count ? model[j] : none);
        }
        return none;
    }
}

using System.Diagnostics;

namespace NeuronSurrogate.Benchmarks;

/// <summary>Times one piece of work: a warm-up first, then repeats; reports the median and the best wall time.</summary>
internal static class Measurement
{
    public static (double MedianSeconds, double BestSeconds) Time(Action work, int repeats)
    {
        var (median, best, _) = TimeCounted(work, repeats);
        return (median, best);
    }

    /// <summary>As <see cref="Time"/>, with the number of times the work ran, warm-ups included.</summary>
    public static (double MedianSeconds, double BestSeconds, int Runs) TimeCounted(Action work, int repeats)
    {
        int runs = 0;
        // Warm up for at least half a second (and twice), so tiered compilation has promoted the hot loops.
        var warmup = Stopwatch.StartNew();
        for (; runs < 2 || warmup.Elapsed.TotalSeconds < 0.5; runs++)
        {
            work();
        }
        var seconds = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            work();
            seconds[i] = clock.Elapsed.TotalSeconds;
            runs++;
        }
        return (Median(seconds), seconds.Min(), runs);
    }

    /// <summary>The median (the mean of the middle two for an even count).</summary>
    public static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

using System.Diagnostics;

namespace NeuronSurrogate.Benchmarks;

/// <summary>Times one piece of work: a warm-up first, then repeats; reports the median and the best wall time.</summary>
internal static class Measurement
{
    public static (double MedianSeconds, double BestSeconds) Time(Action work, int repeats)
    {
        // Warm up for at least half a second (and twice), so tiered compilation has promoted the hot loops.
        var warmup = Stopwatch.StartNew();
        for (int i = 0; i < 2 || warmup.Elapsed.TotalSeconds < 0.5; i++)
        {
            work();
        }
        var seconds = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            work();
            seconds[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(seconds);
        return (seconds[repeats / 2], seconds[0]);
    }
}

using System.Diagnostics;
using static System.FormattableString;

namespace NeuronSurrogate.Train;

/// <summary>Times a job's stages (for its report's timings table) and logs each one as it ends; stages may run on two threads.</summary>
internal sealed class StageClock(Action<string> log, string prefix = "")
{
    private readonly Dictionary<string, double> _seconds = [];

    /// <summary>Seconds per stage, in the order the stages ended.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Timings
    {
        get
        {
            lock (_seconds)
            {
                return [.. _seconds];
            }
        }
    }

    public T Time<T>(string stage, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var clock = Stopwatch.StartNew();
        var result = work();
        lock (_seconds)
        {
            _seconds[stage] = clock.Elapsed.TotalSeconds;
        }
        log(Invariant($"{prefix}{stage}: {clock.Elapsed.TotalSeconds:F1} s"));
        return result;
    }

    public void Time(string stage, Action work) => Time(stage, () => { work(); return 0; });
}

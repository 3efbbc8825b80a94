using System.Diagnostics;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// Samples the process's resident set every millisecond or so while a piece of work runs, and reports how far it rose
/// above where it started (managed and native alike), and the managed bytes allocated meanwhile. The GC keeps freed
/// memory mapped, so work that reuses memory an earlier measurement freed can show little resident growth: read the
/// two together.
/// </summary>
internal sealed class MemoryProbe : IDisposable
{
    private readonly long _baseline, _allocated;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peak;

    private MemoryProbe()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _baseline = Current();
        _allocated = GC.GetTotalAllocatedBytes(precise: true);
        _peak = _baseline;
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                long now = Current();
                if (now > Interlocked.Read(ref _peak))
                {
                    Interlocked.Exchange(ref _peak, now);
                }
                Thread.Sleep(1);
            }
        }) { IsBackground = true, Priority = ThreadPriority.Highest };
        _thread.Start();
    }

    public static MemoryProbe Start() => new();

    /// <summary>Peak resident memory above the baseline so far, in MB.</summary>
    public double PeakExtraMb => Math.Max(0, Math.Max(Interlocked.Read(ref _peak), Current()) - _baseline) / 1e6;

    /// <summary>Managed bytes allocated since the start, in MB (all runs of the measurement together).</summary>
    public double AllocatedMb => (GC.GetTotalAllocatedBytes(precise: true) - _allocated) / 1e6;

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private static long Current()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}

using System.Diagnostics;
using System.Text.RegularExpressions;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// The peak resident memory a piece of work adds to the process (managed and native alike), and the managed bytes it
/// allocated. On Linux the kernel keeps the peak itself: the probe resets the high-water mark (<c>/proc/self/clear_refs</c>,
/// "5") and reads <c>VmHWM</c> afterwards, with no thread of its own. Where that file cannot be written it falls back to
/// sampling the resident set every millisecond on a thread, which costs CPU: the benchmarks never time work while a probe
/// is open (a sampling thread competes with the timed work for the cores).
/// The GC keeps freed memory mapped, so work that reuses memory an earlier measurement freed can show little resident
/// growth: read the two figures together.
/// </summary>
internal sealed partial class MemoryProbe : IDisposable
{
    private readonly long _baseline, _allocated;
    private readonly bool _kernelPeak;
    private readonly Thread? _thread;
    private volatile bool _stop;
    private long _peak;

    private MemoryProbe()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _baseline = Resident();
        _allocated = GC.GetTotalAllocatedBytes(precise: true);
        _peak = _baseline;
        _kernelPeak = ResetKernelPeak();
        if (!_kernelPeak)
        {
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    long now = Resident();
                    if (now > Interlocked.Read(ref _peak))
                    {
                        Interlocked.Exchange(ref _peak, now);
                    }
                    Thread.Sleep(1);
                }
            })
            { IsBackground = true, Priority = ThreadPriority.Highest };
            _thread.Start();
        }
    }

    public static MemoryProbe Start() => new();

    /// <summary>Peak resident memory above the baseline so far, in MB.</summary>
    public double PeakExtraMb
    {
        get
        {
            long peak = _kernelPeak ? StatusKilobytes("VmHWM") * 1024 : Math.Max(Interlocked.Read(ref _peak), Resident());
            return Math.Max(0, peak - _baseline) / 1e6;
        }
    }

    /// <summary>Managed bytes allocated since the start, in MB (all runs of the measurement together).</summary>
    public double AllocatedMb => (GC.GetTotalAllocatedBytes(precise: true) - _allocated) / 1e6;

    public void Dispose()
    {
        _stop = true;
        _thread?.Join();
    }

    /// <summary>Resets the kernel's resident high-water mark to the current resident set; false where that is not possible.</summary>
    private static bool ResetKernelPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return StatusKilobytes("VmHWM") > 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }

    private static long Resident()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                return StatusKilobytes("VmRSS") * 1024;
            }
            catch (Exception e) when (e is IOException or FormatException)
            {
                // fall through to the portable reading
            }
        }
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    /// <summary>A "kB" field of <c>/proc/self/status</c>.</summary>
    private static long StatusKilobytes(string field)
    {
        var match = StatusField().Match(File.ReadAllText("/proc/self/status"));
        while (match.Success && match.Groups[1].Value != field)
        {
            match = match.NextMatch();
        }
        return match.Success ? long.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : throw new FormatException($"/proc/self/status has no {field}");
    }

    [GeneratedRegex(@"^(\w+):\s+(\d+) kB", RegexOptions.Multiline)]
    private static partial Regex StatusField();
}

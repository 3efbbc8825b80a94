using System.Runtime.InteropServices;

namespace NeuronSurrogate.Data;

/// <summary>
/// Makes SIGINT, SIGTERM and SIGHUP end the process cleanly while it writes: the temporary files of outputs still
/// being written are removed (<see cref="AtomicFile.AbandonPending"/>), the previous files stay untouched, one line
/// says so, and the exit code is the shell's 128 + signal number (130, 143, 129). Install it once, in a program's
/// entry point, never in a library or a test host; dispose it to restore the default handling.
/// </summary>
public sealed class OutputInterruption : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Action<string> _report;

    private OutputInterruption(Action<string> report)
    {
        _report = report;
        foreach (var signal in (ReadOnlySpan<PosixSignal>)[PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP])
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // SIGHUP, for one, has no meaning on some platforms; the others still clean up.
            }
        }
    }

    /// <summary>Installs the handlers; <paramref name="report"/> receives the one line (for standard error).</summary>
    public static OutputInterruption Install(Action<string> report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new OutputInterruption(report);
    }

    /// <summary>The exit code a shell reports for a process ended by <paramref name="signal"/>.</summary>
    public static int ExitCodeFor(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 129,
        PosixSignal.SIGINT => 130,
        PosixSignal.SIGQUIT => 131,
        PosixSignal.SIGTERM => 143,
        _ => 1,
    };

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
        _registrations.Clear();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        var abandoned = AtomicFile.AbandonPending();
        string name = context.Signal.ToString();
        _report(abandoned.Count == 0
            ? $"interrupted by {name}; no output was half-written"
            : $"interrupted by {name}: the unfinished output was removed, and {string.Join(", ", abandoned)} keeps its previous content");
        Environment.Exit(ExitCodeFor(context.Signal));
    }
}

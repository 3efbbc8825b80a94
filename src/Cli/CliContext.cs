using NeuronSurrogate.Data;
using Spectre.Console;

namespace NeuronSurrogate.Cli;

/// <summary>Where a command writes, and the one place exceptions become exit codes and one-line messages.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error, bool interactive)
{
    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;

    /// <summary>Whether standard error is a terminal (progress bars) rather than a file or pipe (plain lines now and then).</summary>
    public bool Interactive { get; } = interactive;

    /// <summary>Where a command's closing message goes: standard error when its output is standard output, so the data stays clean.</summary>
    public TextWriter MessagesFor(string? outputPath) => AtomicFile.WritesToStandardOutput(outputPath) ? Error : Out;

    /// <summary>Runs a command body: bad input and bad options → exit 2, anything else → exit 1, one line on stderr each.</summary>
    public int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (InputException e)
        {
            Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Simulation.SimulatorException e)
        {
            Error.WriteLine($"error: {ExceptionMessages.OneLine(e)}");
            return ExitCodes.RuntimeFailure;
        }
        catch (ArgumentException e)
        {
            // Option values that parse but are out of range (validated by the option records).
            Error.WriteLine($"error: {ExceptionMessages.OneLine(e)}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Error.WriteLine($"error: {ExceptionMessages.OneLine(e)}");
            return ExitCodes.RuntimeFailure;
        }
#pragma warning disable CA1031 // The command line's last line of defence: report, never crash with a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Error.WriteLine($"error: unexpected {e.GetType().Name}: {ExceptionMessages.OneLine(e)}");
            return ExitCodes.RuntimeFailure;
        }
    }

    /// <summary>Shows a progress bar on an interactive terminal; runs <paramref name="work"/> plainly otherwise.</summary>
    public void WithProgress(string description, int total, Action<Action> work)
    {
        if (!Interactive)
        {
            work(() => { });
            return;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Error) });
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask(Markup.Escape(description), maxValue: total);
                work(() => task.Increment(1));
            });
    }
}

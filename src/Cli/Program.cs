using NeuronSurrogate.Data;

namespace NeuronSurrogate.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        // SIGINT/SIGTERM while an output is written: its temporary file is removed and the previous file kept.
        using var interruption = OutputInterruption.Install(line => Console.Error.WriteLine($"error: {line}"));
        return CliApp.Run(args);
    }
}

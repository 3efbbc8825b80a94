using System.CommandLine;

namespace NeuronSurrogate.Cli;

/// <summary>The <c>neuron-surrogate</c> command line: parses, dispatches, returns the exit code.</summary>
public static class CliApp
{
    /// <summary>Runs the command line with the given arguments and writers.</summary>
    /// <returns>0 on success, 1 on a runtime failure, 2 on bad usage or input (<see cref="ExitCodes"/>).</returns>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        bool interactive = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        var context = new CliContext(output, error, interactive);
        var root = new RootCommand("NeuronSurrogate: simulate neurons (Izhikevich, Hodgkin–Huxley, any NEURON cell) and serve and score ONNX surrogates of them.")
        {
            GenerateCommand.Create(context),
            SimulateCommand.Create(context),
            EvaluateCommand.Create(context),
            PredictCommand.Create(context),
            ExportTritonCommand.Create(context),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line, whatever System.CommandLine's messages hold, so scripts can grep it.
            var messages = parsed.Errors.Select(e => string.Join(' ', e.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)));
            error.WriteLine($"error: {string.Join("; ", messages)} (see --help)");
            return ExitCodes.BadInput;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }
}

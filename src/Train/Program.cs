using NeuronSurrogate.Data;

namespace NeuronSurrogate.Train;

internal static class Program
{
    private static int Main(string[] args)
    {
        using var interruption = OutputInterruption.Install(line => Console.Error.WriteLine($"error: {line}"));
        var command = new TrainCommand();
        command.Root.SetAction(result =>
        {
            try
            {
                var options = command.Options(result, args);
                Action<string> log = message => Console.Error.WriteLine(message);
                return (options.LatentOnly, options.Experiments) switch
                {
                    (true, true) => new LatentExperiments(options, log).Run(),
                    (true, false) when options.Synaptic => new SynapticJob(options, log).Run(),
                    (true, false) => new LatentJob(options, log).Run(),
                    (false, true) => new ExperimentsRunner(options, log).Run(),
                    (false, false) => new TrainPipeline(options, log).Run(),
                };
            }
            catch (InputException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {ExceptionMessages.OneLine(e)}");
                return 2;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A failed write names its output (AtomicFile); the run's earlier outputs are complete.
                Console.Error.WriteLine($"error: {ExceptionMessages.OneLine(e)}");
                return 1;
            }
        });
        var parsed = command.Root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {string.Join("; ", parsed.Errors.Select(e => e.Message.ReplaceLineEndings(" ")))} (see --help)");
            return 2;
        }
        return parsed.Invoke();
    }
}

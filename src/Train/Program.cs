using System.CommandLine;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Train;

internal static class Program
{
    private static int Main(string[] args)
    {
        var defaults = new TrainOptions();
        var plots = new Argument<int>("N") { Description = "Test runs to plot in the report.", DefaultValueFactory = _ => defaults.PlotTraces };
        var dataset = new Option<string>("--dataset") { Description = "Traces CSV; the default one is generated when missing.", DefaultValueFactory = _ => defaults.DatasetPath };
        var seed = new Option<int>("--seed") { Description = "Seed of the split and the trainers.", DefaultValueFactory = _ => defaults.Seed };
        var vLags = new Option<int>("--voltage-lags") { Description = "Voltage lags 1..k of the voltage-lag models.", DefaultValueFactory = _ => defaults.VoltageLags };
        var iLags = new Option<int>("--current-lags") { Description = "Current lags 1..m of the voltage-lag models.", DefaultValueFactory = _ => defaults.CurrentLags };
        var stride = new Option<int>("--fasttree-stride") { Description = "FastTree trains on every n-th step.", DefaultValueFactory = _ => defaults.FastTreeStride };
        var results = new Option<string>("--results") { Description = "Folder for metrics, report and plots.", DefaultValueFactory = _ => defaults.ResultsFolder };
        var models = new Option<string>("--models") { Description = "Folder for the exported models and cards.", DefaultValueFactory = _ => defaults.ModelsFolder };
        var root = new RootCommand("The main job: split the dataset by run, train the models and baselines, export them, and score everything closed-loop on held-out runs.")
        {
            plots, dataset, seed, vLags, iLags, stride, results, models,
        };
        root.SetAction(result =>
        {
            var options = new TrainOptions
            {
                PlotTraces = result.GetValue(plots),
                DatasetPath = result.GetValue(dataset)!,
                Seed = result.GetValue(seed),
                VoltageLags = result.GetValue(vLags),
                CurrentLags = result.GetValue(iLags),
                FastTreeStride = result.GetValue(stride),
                ResultsFolder = result.GetValue(results)!,
                ModelsFolder = result.GetValue(models)!,
            };
            try
            {
                return new TrainPipeline(options, message => Console.Error.WriteLine(message)).Run();
            }
            catch (InputException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {string.Join("; ", parsed.Errors.Select(e => e.Message.ReplaceLineEndings(" ")))} (see --help)");
            return 2;
        }
        return parsed.Invoke();
    }
}

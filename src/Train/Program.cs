using System.CommandLine;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Train;

internal static class Program
{
    private static int Main(string[] args)
    {
        using var interruption = OutputInterruption.Install(line => Console.Error.WriteLine($"error: {line}"));
        var defaults = new TrainOptions();
        var regime = new Option<string>("--regime") { Description = "default (the prototype's dataset → models/surrogate.*) or mixed (mixed stimuli → the general model, models/surrogate_mixed.*, results/mixed/).", DefaultValueFactory = _ => "default" };
        regime.AcceptOnlyFromAmong("default", "mixed");
        var epochs = new Option<int>("--epochs") { Description = "Most MLP epochs (early stopping on closed-loop validation Γ may end sooner).", DefaultValueFactory = _ => defaults.Epochs };
        var experiments = new Option<bool>("--experiments") { Description = "Instead of the main job: train the MLP variants on the default dataset and write their closed-loop validation numbers to results/experiments.md; with --neuron or --data, the latent-surrogate variants (results/experiments/latent_NAME.md)." };
        var hidden = new Option<int[]>("--hidden") { Description = "MLP hidden widths, e.g. --hidden 128 128.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [.. defaults.Hidden] };
        var plots = new Argument<int>("N") { Description = "Test runs to plot in the report.", DefaultValueFactory = _ => defaults.PlotTraces };
        var dataset = new Option<string?>("--dataset") { Description = "Traces CSV (default: data/spike_dataset.csv, or data/mixed_dataset.csv for --regime mixed; generated when missing)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the split and the trainers.", DefaultValueFactory = _ => defaults.Seed };
        var vLags = new Option<int>("--voltage-lags") { Description = "Voltage lags 1..k of the voltage-lag models.", DefaultValueFactory = _ => defaults.VoltageLags };
        var iLags = new Option<int>("--current-lags") { Description = "Current lags 1..m of the voltage-lag models.", DefaultValueFactory = _ => defaults.CurrentLags };
        var stride = new Option<int>("--fasttree-stride") { Description = "FastTree trains on every n-th step.", DefaultValueFactory = _ => defaults.FastTreeStride };
        var results = new Option<string?>("--results") { Description = "Folder for metrics, report and plots (default: results, or results/mixed)." };
        var models = new Option<string>("--models") { Description = "Folder for the exported models and cards.", DefaultValueFactory = _ => defaults.ModelsFolder };
        var neuron = new Option<string?>("--neuron") { Description = "Train the latent surrogate on a built-in neuron's dataset (mixed stimuli; generated when missing): izhikevich (RS, models/rs_latent.*), hh (models/hh_latent.*) or pyramid (models/pyramid_latent.*, needs NEURON)." };
        neuron.AcceptOnlyFromAmong([.. BuiltInNeuron.All.Select(n => n.Key)]);
        var data = new Option<string?>("--data") { Description = "Train the latent surrogate on any traces CSV (run,neuron,time_ms,current,voltage; further current_* columns are inputs too; no recovery needed): models/NAME.*, results/NAME/." };
        var name = new Option<string?>("--name") { Description = "File stem of the latent model (default: the built-in neuron's, or the CSV's name + _latent)." };
        var iterations = new Option<int?>("--iterations") { Description = "Latent training iterations (default: 1500 in the main job, 5000 for --neuron and --data, 1000 for the latent experiments)." };
        var seeds = new Option<int?>("--seeds") { Description = "Latent seeds trained one after the other, --seed onwards; the best on validation ships, all are reported (default: 2 for --neuron, 1 otherwise)." };
        var stepFactor = new Option<int>("--step-factor") { Description = "The latent surrogate steps k data steps at a time (1, 2, 5, 10…).", DefaultValueFactory = _ => 1 };
        var variants = new Option<int[]>("--variants") { Description = "With --experiments and --neuron or --data: run only these latent variants (1-based rows of the table).", AllowMultipleArgumentsPerToken = true };
        var unit = new Option<string>("--current-unit") { Description = "The unit of the currents of a --data file, for the card.", DefaultValueFactory = _ => "as in the training data" };
        var root = new RootCommand("The main job: split the dataset by run, train the models and baselines, export them, and score everything closed-loop on held-out runs. With --neuron or --data: train a latent surrogate instead.")
        {
            plots, regime, experiments, dataset, seed, vLags, iLags, stride, epochs, hidden, results, models, neuron, data, name, iterations, seeds, stepFactor, unit, variants,
        };
        root.SetAction(result =>
        {
            var baseline = TrainOptions.For(result.GetValue(regime) == "mixed" ? TrainRegime.Mixed : TrainRegime.Default);
            var options = baseline with
            {
                PlotTraces = result.GetValue(plots),
                DatasetPath = result.GetValue(dataset) ?? baseline.DatasetPath,
                Epochs = result.GetValue(epochs),
                Hidden = result.GetValue(hidden)!,
                Seed = result.GetValue(seed),
                VoltageLags = result.GetValue(vLags),
                CurrentLags = result.GetValue(iLags),
                FastTreeStride = result.GetValue(stride),
                ResultsFolder = result.GetValue(results) ?? baseline.ResultsFolder,
                ModelsFolder = result.GetValue(models)!,
                LatentIterations = result.GetValue(iterations) ?? baseline.LatentIterations,
            };
            try
            {
                if (result.GetValue(neuron) is not null || result.GetValue(data) is not null)
                {
                    if (result.GetValue(neuron) is not null && result.GetValue(data) is not null)
                    {
                        throw new ArgumentException("--neuron and --data: expected one of them (a built-in neuron's dataset, or your own CSV)");
                    }
                    var builtIn = BuiltInNeuron.All.FirstOrDefault(n => n.Key == result.GetValue(neuron));
                    string path = builtIn?.DatasetPath ?? result.GetValue(data)!;
                    string stem = result.GetValue(name) ?? builtIn?.ModelName ?? Path.GetFileNameWithoutExtension(path) + "_latent";
                    var settings = new Torch.LatentSettings
                    {
                        Seed = result.GetValue(seed),
                        Iterations = result.GetValue(iterations) ?? (result.GetValue(experiments) ? 1000 : 5000),
                        StepFactor = result.GetValue(stepFactor),
                    };
                    if (result.GetResult(hidden) is { Implicit: false })
                    {
                        settings = settings with { Hidden = result.GetValue(hidden)! };
                    }
                    var job = new LatentJobOptions
                    {
                        Name = stem,
                        DatasetPath = path,
                        Neuron = builtIn,
                        CurrentUnit = result.GetValue(unit)!,
                        Settings = settings.Validate(),
                        Seeds = result.GetValue(seeds) ?? (builtIn is null ? 1 : 2),
                        SplitSeed = result.GetValue(seed),
                        ModelsFolder = result.GetValue(models)!,
                        ResultsFolder = result.GetValue(results) ?? Path.Combine("results", stem),
                        PlotTraces = result.GetValue(plots),
                        Command = "dotnet run --project src/Train -c Release -- " + string.Join(' ', args),
                    };
                    if (job.Seeds is < 1 or > 16)
                    {
                        throw new ArgumentException($"--seeds {job.Seeds}: expected 1 to 16");
                    }
                    return result.GetValue(experiments)
                        ? new LatentExperiments(job with { ResultsFolder = result.GetValue(results) ?? "results" }, message => Console.Error.WriteLine(message)) { Only = (result.GetValue(variants) ?? []).ToHashSet() }.Run()
                        : new LatentJob(job, message => Console.Error.WriteLine(message)).Run();
                }
                return result.GetValue(experiments)
                    ? new ExperimentsRunner(options, message => Console.Error.WriteLine(message)).Run()
                    : new TrainPipeline(options, message => Console.Error.WriteLine(message)).Run();
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
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {string.Join("; ", parsed.Errors.Select(e => e.Message.ReplaceLineEndings(" ")))} (see --help)");
            return 2;
        }
        return parsed.Invoke();
    }
}

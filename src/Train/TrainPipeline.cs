using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Features;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;
using static System.FormattableString;

namespace NeuronSurrogate.Train;

/// <summary>
/// The main job, as stages: load and split the dataset by run; the baselines; FastTree and the latent surrogate (side by
/// side); the state-space MLP; the shipped models' generalization; plots; then metrics.json and report.md, rendered from
/// one <see cref="TrainResult"/>. Each trainer chooses its settings on the validation runs, exports its model and card,
/// and is scored on the held-out test runs through the exported graph.
/// </summary>
internal sealed class TrainPipeline(TrainOptions options, Action<string> log)
{
    public int Run()
    {
        var total = Stopwatch.StartNew();
        var clock = new StageClock(log);
        var simulation = new IzhikevichSimulationOptions();
        string dataset = EnsureDataset(simulation);
        var ml = new MLContext(options.Seed);
        var data = clock.Time("load and split", () => SplitTraces.Load(ml, dataset, options.Seed, withRecovery: true));
        TrainFiles.WriteText(Path.Combine(options.ResultsFolder, "split.json"), data.Split.ToJson());
        var (split, train, validation, test) = (data.Split, data.Train, data.Validation, data.Test);
        log(Invariant($"split by run: {split.Train.Count} train, {split.Validation.Count} validation, {split.Test.Count} test runs ({train.TraceCount}/{validation.TraceCount}/{test.TraceCount} traces)"));

        var models = new List<(string Name, ModelResult Result)>();
        var closedLoop = new Dictionary<string, double[]>();
        models.AddRange(clock.Time("baselines", () => BaselineStage.Run(simulation, train, test)));

        var features = new FeatureSpec
        {
            VoltageLags = FeatureSpec.Range(options.VoltageLags),
            CurrentLags = FeatureSpec.Range(options.CurrentLags),
            TimeStepMs = train.TimeStepMs,
            Target = FeatureTarget.Increment,
        }.Validate();
        FastTreeOutcome? fastTree = null;
        Task<MainLatentOutcome>? latentRun = null;
        if (options.Regime == TrainRegime.Default)
        {
            // The latent surrogate learns from the current and the voltage alone (the recovery column is never read).
            // It trains on its own thread, with its own ML.NET context, while FastTree (ML.NET only) trains on this one;
            // it is awaited before the MLP, so that no two TorchSharp trainings ever overlap.
            var blind = new SplitTraces(split, train.WithoutRecovery(), validation.WithoutRecovery(), test.WithoutRecovery());
            latentRun = Task.Run(() => clock.Time("latent", () => MainLatentStage.Run(new MLContext(options.Seed), simulation, blind, dataset, options, log)));
            fastTree = clock.Time("fasttree", () => FastTreeStage.Run(ml, features, SpikeResetRule.For(simulation.Parameters), simulation, data, options, log));
            models.Add(("fasttree", fastTree.Result));
            closedLoop["fasttree"] = fastTree.ClosedLoop;
        }
        var latent = latentRun?.GetAwaiter().GetResult();
        StateSpaceOutcome? stateSpace = null;
        if (train.Recovery is not null)
        {
            stateSpace = clock.Time("mlp", () => StateSpaceStage.Run(ml, StateSpaceSpec.For(simulation, train.TimeStepMs), simulation, data, options, log));
            models.Add(("mlp", stateSpace.Result));
            closedLoop["mlp"] = stateSpace.ClosedLoop;
        }
        else
        {
            log("no recovery column: the state-space MLP is skipped");
        }
        if (latent is not null)
        {
            models.Add((MainLatentStage.Name, latent.Evaluation.Result));
            closedLoop[MainLatentStage.Name] = latent.Evaluation.ClosedLoop;
        }

        var generalization = clock.Time("generalization", () =>
            GeneralizationStage.Run(ml, simulation, options.Regime == TrainRegime.Default ? test : null, options, log));
        var plots = clock.Time("plots", () => TrainPlots.Write(options, test, closedLoop, stateSpace?.History ?? [], generalization, log));
        var result = new TrainResult(options, dataset, split, models, features, fastTree, stateSpace, latent, generalization, plots, clock.Timings, total.Elapsed.TotalSeconds);
        TrainFiles.WriteText(Path.Combine(options.ResultsFolder, "metrics.json"), JsonSerializer.Serialize(result.Metrics(), VoltageLagModelCard.JsonOptions));
        TrainFiles.WriteText(Path.Combine(options.ResultsFolder, "report.md"), TrainReport.Render(result));
        log(Invariant($"done in {total.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    private string EnsureDataset(IzhikevichSimulationOptions simulation)
    {
        string path = options.DatasetPath;
        bool isDefault = path == TrainOptions.For(options.Regime).DatasetPath;
        if (File.Exists(path))
        {
            using var reader = TraceReader.Open(path, []);
            if (reader.Headers.Contains(TraceColumns.Recovery) || !isDefault)
            {
                return path;
            }
            log($"{path} has no recovery column, which the state-space model trains on: regenerating it (same seed, same traces, one more column)");
        }
        else if (!isDefault)
        {
            throw InputException.About(path, "an existing dataset (only the default dataset is generated when missing)");
        }
        else
        {
            log($"{path} is missing: generating it ({options.Regime} regime, seed 42)");
        }
        TrainFiles.WriteDataset(path, TrainOptions.Dataset(options.Regime, simulation));
        return path;
    }
}

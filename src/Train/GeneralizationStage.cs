using Microsoft.ML;
using NeuronSurrogate.Data;
using NeuronSurrogate.Simulation;
using static System.FormattableString;

namespace NeuronSurrogate.Train;

/// <summary>Scores every shipped RS model (state-space and latent) on the default test runs, the held-out mixed set, the f–I curve and the out-of-distribution suite.</summary>
internal static class GeneralizationStage
{
    /// <summary>The models scored, where their files are in the models folder.</summary>
    public static readonly string[] Models = ["surrogate", "surrogate_mixed", MainLatentStage.Name, BuiltInNeuron.Izhikevich.ModelName];

    /// <summary>The scores of every model in <see cref="Models"/> found in the models folder; <paramref name="defaultTest"/> is the default dataset's test runs, or null to load them (a job on another dataset).</summary>
    public static IReadOnlyDictionary<string, GeneralizationResult> Run(MLContext ml, IzhikevichSimulationOptions simulation, TraceSet? defaultTest,
        TrainOptions options, Action<string> log)
    {
        defaultTest ??= DefaultTestRuns(ml, simulation, options.Seed);
        var mixed = GeneralizationSuites.MixedHeldOut(simulation);
        var results = new Dictionary<string, GeneralizationResult>();
        foreach (string name in Models)
        {
            string path = Path.Combine(options.ModelsFolder, $"{name}.onnx");
            if (!File.Exists(path))
            {
                log($"generalization: {path} not found, skipped");
                continue;
            }
            var result = GeneralizationSuites.Evaluate(path, defaultTest, mixed, simulation, options.OodTraces);
            results[name] = result;
            log(Invariant($"generalization of {name}: default test Γ {result.DefaultTest.Gamma:F3}, held-out mixed Γ {result.MixedHeldOut.Gamma:F3}, f–I levels within tolerance {result.FiCurve.Count(p => p.WithinTolerance)}/{result.FiCurve.Count} (max error {result.FiCurve.Max(p => p.Error)} spikes), out-of-distribution Γ {result.OutOfDistribution.Gamma[^1]:F3}"));
        }
        return results;
    }

    /// <summary>The default dataset's test runs, split exactly as the default regime splits them.</summary>
    private static TraceSet DefaultTestRuns(MLContext ml, IzhikevichSimulationOptions simulation, int seed)
    {
        string path = TrainOptions.For(TrainRegime.Default).DatasetPath;
        if (!File.Exists(path))
        {
            TrainFiles.WriteDataset(path, TrainOptions.Dataset(TrainRegime.Default, simulation));
        }
        return SplitTraces.Load(ml, path, seed, withRecovery: false).Test;
    }
}

using NeuronSurrogate.Features;
using NeuronSurrogate.MLNet;

namespace NeuronSurrogate.Train;

/// <summary>Everything the main job measured, for <see cref="TrainReport"/> to render.</summary>
/// <param name="Options">The job's options.</param>
/// <param name="Dataset">The traces CSV it trained on.</param>
/// <param name="Split">The split by run.</param>
/// <param name="Models">Every model and baseline on the test runs, in the order metrics.json lists them.</param>
/// <param name="Features">The voltage-lag features of the FastTree baseline.</param>
/// <param name="FastTree">The FastTree baseline, when it was trained (the default regime).</param>
/// <param name="StateSpace">The state-space MLP, when the dataset has the recovery column.</param>
/// <param name="Latent">The latent surrogate, when it was trained (the default regime).</param>
/// <param name="Generalization">The shipped RS models away from their own split.</param>
/// <param name="Plots">The plots written, relative to the results folder.</param>
/// <param name="Timings">Seconds per stage.</param>
/// <param name="Seconds">The whole job's wall time.</param>
internal sealed record TrainResult(
    TrainOptions Options,
    string Dataset,
    RunSplit Split,
    IReadOnlyList<(string Name, ModelResult Result)> Models,
    FeatureSpec Features,
    FastTreeOutcome? FastTree,
    StateSpaceOutcome? StateSpace,
    MainLatentOutcome? Latent,
    IReadOnlyDictionary<string, GeneralizationResult> Generalization,
    IReadOnlyList<string> Plots,
    IReadOnlyList<KeyValuePair<string, double>> Timings,
    double Seconds)
{
    /// <summary>A model's or baseline's test result by name, or null.</summary>
    public ModelResult? Model(string name) => Models.FirstOrDefault(m => m.Name == name).Result;

    /// <summary>The metrics.json document.</summary>
    public Dictionary<string, object> Metrics()
    {
        var document = new Dictionary<string, object>
        {
            ["dataset"] = new Dictionary<string, object> { ["path"] = Dataset, ["runs"] = Split.Train.Count + Split.Validation.Count + Split.Test.Count, ["seed"] = new Dataset.DatasetOptions().Seed },
            ["split"] = new Dictionary<string, object> { ["seed"] = Split.Seed, ["train"] = Split.Train, ["validation"] = Split.Validation, ["test"] = Split.Test },
            ["models"] = Models.ToDictionary(m => m.Name, m => m.Result),
            ["generalization"] = Generalization,
        };
        if (Latent is { } latent)
        {
            var ood = latent.OutOfDistribution;
            document["latent_out_of_distribution"] = new Dictionary<string, object>
            {
                ["traces_per_family"] = ood.TracesPerFamily,
                ["windows_ms"] = Inference.OodSuite.WindowsMs,
                ["gamma"] = ood.Gamma,
                ["families"] = ood.Families.ToDictionary(f => f.Family.ToString(), f => f.Surrogate.Select(m => m.Gamma).ToArray()),
            };
        }
        return document;
    }
}

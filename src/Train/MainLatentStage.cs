using static System.FormattableString;
using NeuronSurrogate.Inference;
using Microsoft.ML;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Torch;

namespace NeuronSurrogate.Train;

/// <summary>
/// The latent surrogate on the main job's split, exported as <c>models/latent.*</c>: trained on the current and the
/// voltage alone (the caller hands it traces without the recovery column), through the stages the latent jobs use.
/// </summary>
internal static class MainLatentStage
{
    public const string Name = "latent";

    public static MainLatentOutcome Run(MLContext ml, IzhikevichSimulationOptions simulation, SplitTraces data, string dataset, TrainOptions options, Action<string> log)
    {
        var settings = options.LatentSeed(options.Seed);
        var neuron = new IzhikevichNeuron(simulation);
        var spec = LatentStage.FitSpec(ml, data.Train, neuron.CurrentUnit, settings);
        var trained = LatentStage.Train(Name, spec, settings, data.Train, data.Validation, log);
        using var network = trained.Network;
        var export = LatentStage.Export(network, options.ModelsFolder, Name);
        var evaluation = LatentStage.Evaluate(Name, network, export, data.Test, log);
        var card = LatentCards.Create(Name, network, settings, trained.History, new CardSource
        {
            Dataset = dataset,
            Neuron = neuron.Name,
            Description = neuron.Description,
            Stimulus = "i.i.d. Gaussian current per step, mean 10, s.d. 5 (the prototype's dataset)",
        }, evaluation.Result.CardMetrics());
        TrainFiles.WriteText(export.CardPath, card.ToJson());
        // Currents its training never drew, 1 s long (issue 22's suite; RS has no coarser simulator to compare).
        using var surrogate = SurrogateModel.Open(export.OnnxPath);
        var ood = OodSuite.Run(surrogate, neuron, OodSuite.Coarse(neuron), options.OodTraces);
        log(Invariant($"{Name}: out-of-distribution suite (1 s, {ood.Families.Count} families) closed loop Γ {ood.Gamma[^1]:F3}"));
        return new MainLatentOutcome(evaluation, card, trained.History.Count, ood);
    }
}

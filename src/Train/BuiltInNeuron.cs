using NeuronSurrogate.Dataset;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Train;

/// <summary>
/// The neurons the Train app makes a dataset for (<c>--neuron</c>): mixed stimuli over the neuron's own range,
/// 300 runs × 5 traces × 1000 steps of 0.1 ms, seed 42, and the latent surrogate it ships for each.
/// </summary>
/// <param name="Key">The <c>--neuron</c> value.</param>
/// <param name="ModelName">The shipped model's file stem (models/NAME.*) and results folder (results/NAME/).</param>
/// <param name="DatasetPath">Where its dataset lives (generated when missing).</param>
internal sealed record BuiltInNeuron(string Key, string ModelName, string DatasetPath)
{
    /// <summary>The RS Izhikevich neuron; its dataset is the one the mixed regime's state-space model trains on.</summary>
    public static BuiltInNeuron Izhikevich { get; } = new("izhikevich", "rs_latent", "data/mixed_dataset.csv");

    /// <summary>The Hodgkin–Huxley point neuron (managed, NEURON's scheme).</summary>
    public static BuiltInNeuron HodgkinHuxley { get; } = new("hh", "hh_latent", "data/hh_mixed.csv");

    /// <summary>The reconstructed pyramidal cell, simulated by NEURON (models/cells/pyramid.py).</summary>
    public static BuiltInNeuron Pyramid { get; } = new("pyramid", "pyramid_latent", "data/pyramid_mixed.csv");

    public static IReadOnlyList<BuiltInNeuron> All { get; } = [Izhikevich, HodgkinHuxley, Pyramid];

    /// <summary>The cell file of the pyramidal cell.</summary>
    public const string PyramidCell = "models/cells/pyramid.py";

    /// <summary>The neuron, ready to simulate (the pyramidal cell needs NEURON).</summary>
    public INeuronModel CreateModel() => Key switch
    {
        "izhikevich" => new IzhikevichNeuron(new IzhikevichSimulationOptions()),
        "hh" => new HodgkinHuxleyNeuron(new HodgkinHuxleySimulationOptions()),
        _ => NeuronCellModel.Load(PyramidCell),
    };

    /// <summary>Where the neuron's stimulus-library dataset lives (generated when missing).</summary>
    public string LibraryDatasetPath => $"data/{Key}_library.csv";

    /// <summary>
    /// The stimulus-library dataset's recipe: 300 runs × 1 trace × 1 s, seed 42, the library's families with amplitudes
    /// from <paramref name="landmarks"/>.
    /// </summary>
    public static DatasetOptions LibraryDataset(INeuronModel model, NeuronLandmarks landmarks) => Dataset(model) with
    {
        Runs = 300,
        NeuronsPerRun = 1,
        Steps = 10_000,
        Stimulus = new StimulusOptions { Kind = StimulusKind.Library, Landmarks = landmarks, MixedMaxCurrent = model.MixedMaxCurrent },
    };

    /// <summary>The dataset's recipe.</summary>
    public static DatasetOptions Dataset(INeuronModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool izhikevich = model is IzhikevichNeuron;
        return new DatasetOptions
        {
            Neuron = izhikevich ? null : model,
            IncludeRecovery = izhikevich,
            Stimulus = new StimulusOptions { Kind = StimulusKind.Mixed, MixedMaxCurrent = model.MixedMaxCurrent },
        };
    }
}

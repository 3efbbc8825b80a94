using NeuronSurrogate.Dataset;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Train;

/// <summary>The knobs of the main job. Defaults reproduce the committed results.</summary>
public sealed record TrainOptions
{
    /// <summary>Which training set: the prototype's default dataset, or the mixed-stimulus set of the general model.</summary>
    public TrainRegime Regime { get; init; } = TrainRegime.Default;

    /// <summary>The options of a regime with its default paths and names.</summary>
    public static TrainOptions For(TrainRegime regime) => regime == TrainRegime.Default
        ? new TrainOptions()
        : new TrainOptions { Regime = regime, DatasetPath = "data/mixed_dataset.csv", ModelName = "surrogate_mixed", ResultsFolder = "results/mixed" };

    /// <summary>
    /// The dataset a regime generates when its file is missing: 300 runs × 5 neurons × 1000 steps of 0.1 ms, seed 42, with
    /// the recovery column; i.i.d. Gaussian current (default) or mixed stimuli.
    /// </summary>
    public static DatasetOptions Dataset(TrainRegime regime, IzhikevichSimulationOptions simulation) => new()
    {
        Simulation = simulation,
        IncludeRecovery = true,
        Stimulus = new StimulusOptions { Kind = regime == TrainRegime.Mixed ? StimulusKind.Mixed : StimulusKind.Gaussian },
    };

    /// <summary>The dataset; generated with the default configuration when it is missing. Defaults to data/spike_dataset.csv.</summary>
    public string DatasetPath { get; init; } = "data/spike_dataset.csv";

    /// <summary>Seed of the split and of every trainer. Defaults to 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Test runs plotted in the report. Defaults to 3.</summary>
    public int PlotTraces { get; init; } = 3;

    /// <summary>Voltage lags of the voltage-lag models (1..k). Defaults to 8.</summary>
    public int VoltageLags { get; init; } = 8;

    /// <summary>Current lags of the voltage-lag models (1..m). Defaults to 8.</summary>
    public int CurrentLags { get; init; } = 8;

    /// <summary>FastTree trains on every n-th step of the training traces. Defaults to 2.</summary>
    public int FastTreeStride { get; init; } = 2;

    /// <summary>Most epochs of the MLP. Defaults to 12.</summary>
    public int Epochs { get; init; } = 12;

    /// <summary>Hidden widths of the MLP. Defaults to 2 × 128.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [128, 128];

    /// <summary>The MLP trains on every n-th eligible step. Defaults to 1.</summary>
    public int MlpStride { get; init; } = 1;

    /// <summary>Training iterations of the main job's latent surrogate. Defaults to 1500.</summary>
    public int LatentIterations { get; init; } = 1500;

    /// <summary>File stem of the exported MLP (models/NAME.onnx, NAME_rollout.onnx, NAME.json). Defaults to surrogate.</summary>
    public string ModelName { get; init; } = "surrogate";

    /// <summary>Where metrics, reports and plots go. Defaults to results.</summary>
    public string ResultsFolder { get; init; } = "results";

    /// <summary>Where exported models and cards go. Defaults to models.</summary>
    public string ModelsFolder { get; init; } = "models";
}

using NeuronSurrogate.Dataset;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;
using NeuronSurrogate.Torch;

namespace NeuronSurrogate.Train;

/// <summary>
/// The Train app's options, parsed from its command line (<see cref="TrainCommand"/>): which job runs (the main job, its
/// MLP experiments, a latent job on one dataset, or that job's variants) and the knobs each reads. Defaults reproduce the
/// committed results of the main job.
/// </summary>
internal sealed record TrainOptions
{
    /// <summary>Train a latent surrogate on <see cref="DatasetPath"/> alone (named <see cref="ModelName"/>) instead of the
    /// main job: <c>--neuron</c> or <c>--data</c>.</summary>
    public bool LatentOnly { get; init; }

    /// <summary>Run the experiments (the MLP variants, or with <see cref="LatentOnly"/> the latent variants) instead of the job.</summary>
    public bool Experiments { get; init; }

    /// <summary>With <see cref="Experiments"/> and <see cref="LatentOnly"/>: only these latent variants (1-based rows of the table); all when empty.</summary>
    public IReadOnlySet<int> Variants { get; init; } = new HashSet<int>();

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

    /// <summary>
    /// The latent surrogate's architecture and schedule, in the main job and in a latent job; its seeds are <see cref="Seed"/>
    /// onwards, so the seed in here is not read. Defaults to the main job's: 1500 iterations of windows up to 20 ms (an RS
    /// window rarely runs past its first spike, where the mask stops, so longer ones cost without teaching).
    /// </summary>
    public LatentSettings Latent { get; init; } = new() { Iterations = 1500, MaxWindowSteps = 200 };

    /// <summary>Latent seeds trained one after the other (<see cref="Seed"/>, <see cref="Seed"/> + 1, …) by a latent job; the
    /// one with the best validation Γ ships, every one is scored. Defaults to 1.</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>Traces of 1 s per family in the out-of-distribution suite of a --neuron job (<c>OodSuite</c>).</summary>
    public int OodTraces { get; init; } = 6;

    /// <summary>The built-in neuron behind a latent job's dataset (generated when missing, f–I curve and input-blind
    /// baseline), or null for a user's file.</summary>
    public BuiltInNeuron? Neuron { get; init; }

    /// <summary>
    /// A --neuron job's training stimuli: false for the mixed generator (100 ms traces, currents ≥ 0), true for the
    /// stimulus library (<c>StimulusKind.Library</c>: 1 s traces, hyperpolarizing to depolarizing, amplitudes from the
    /// neuron's landmarks; its dataset is data/KEY_library.csv).
    /// </summary>
    public bool Library { get; init; }

    /// <summary>
    /// A --neuron job trained on both datasets (<c>--stimulus combined</c>): the mixed generator's (its runs give the test
    /// and validation runs, as in a mixed job) and the stimulus library's, split by run with the same seed. Windows are
    /// drawn from both training parts, checkpoints are chosen on the mean Γ of both validation parts, and the library's
    /// test runs are scored beside the mixed ones.
    /// </summary>
    public bool Combined { get; init; }

    /// <summary>The currents' unit for a latent job's card when the neuron is not known.</summary>
    public string CurrentUnit { get; init; } = "as in the training data";

    /// <summary>The command line that reproduces a latent job, for its report.</summary>
    public string Command { get; init; } = "";

    /// <summary>The latent settings of seed <paramref name="seed"/>.</summary>
    public LatentSettings LatentSeed(int seed) => Latent with { Seed = seed };

    /// <summary>File stem of the exported model (models/NAME.onnx, NAME_rollout.onnx, NAME.json): the MLP's in the main job,
    /// the latent surrogate's in a latent job. Defaults to surrogate.</summary>
    public string ModelName { get; init; } = "surrogate";

    /// <summary>Where metrics, reports and plots go. Defaults to results.</summary>
    public string ResultsFolder { get; init; } = "results";

    /// <summary>Where exported models and cards go. Defaults to models.</summary>
    public string ModelsFolder { get; init; } = "models";

    /// <summary>A synaptic latent job (<c>--data TRACES --synaptic</c>): the traces' input events lie beside them.</summary>
    public bool Synaptic { get; init; }

    /// <summary>With <see cref="Synaptic"/>: train the temporal convolutional network of the comparison instead (tcn.md).</summary>
    public bool Tcn { get; init; }

    /// <summary>With <see cref="Linear"/>: the baseline's kernel time constants (ms); null for its own (3, 20, 80).</summary>
    public IReadOnlyList<double>? LinearTausMs { get; init; }

    /// <summary>With <see cref="Tcn"/>: the TCN's channels.</summary>
    public int TcnChannels { get; init; } = 32;

    /// <summary>With <see cref="Tcn"/>: units of the TCN's dendritic input stage (0: none, the counts projected linearly).</summary>
    public int TcnDendrites { get; init; }

    /// <summary>With <see cref="Synaptic"/>: fit the linear baseline of the comparison instead (linear.md).</summary>
    public bool Linear { get; init; }

    /// <summary>A synaptic model's projection channels R.</summary>
    public int InputChannels { get; init; } = 8;

    /// <summary>
    /// A synaptic latent model's projection starts from the linear baseline fitted on its own input time constants: row m
    /// of W carries the ridge filter of the m-th time constant, scaled so that the m-th channel's m-th trace sums to the
    /// linear prediction of the clipped voltage (in the model's voltage scale). The other rows start random.
    /// </summary>
    public bool ProjectionFromLinear { get; init; }

    /// <summary>A synaptic model's fixed input-trace time constants (ms).</summary>
    public IReadOnlyList<double> InputTimeConstantsMs { get; init; } = [2, 5, 15, 40, 100];

    /// <summary>Further training files of a synaptic job (events beside each): their traces join the training side only.</summary>
    public IReadOnlyList<string> MoreTraining { get; init; } = [];

    /// <summary>Held-out traces files (events beside each) a synaptic job scores besides its test runs.</summary>
    public IReadOnlyList<string> HeldOut { get; init; } = [];
}

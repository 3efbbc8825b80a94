using System.CommandLine;
using static System.FormattableString;

namespace NeuronSurrogate.Train;

/// <summary>The Train app's command line, parsed into one <see cref="TrainOptions"/>.</summary>
internal sealed class TrainCommand
{
    private static readonly TrainOptions Defaults = new();

    private readonly Argument<int> _plots = new("N") { Description = "Test runs to plot in the report.", DefaultValueFactory = _ => Defaults.PlotTraces };
    private readonly Option<string> _regime = new("--regime") { Description = "default (the prototype's dataset → models/surrogate.*) or mixed (mixed stimuli → the general model, models/surrogate_mixed.*, results/mixed/).", DefaultValueFactory = _ => "default" };
    private readonly Option<bool> _experiments = new("--experiments") { Description = "Instead of the main job: train the MLP variants on the default dataset and write their closed-loop validation numbers to results/experiments.md; with --neuron or --data, the latent-surrogate variants (results/experiments/latent_NAME.md)." };
    private readonly Option<string?> _dataset = new("--dataset") { Description = "Traces file, CSV or .parquet (default: data/spike_dataset.csv, or data/mixed_dataset.csv for --regime mixed; generated when missing)." };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of the split and the trainers.", DefaultValueFactory = _ => Defaults.Seed };
    private readonly Option<int> _voltageLags = new("--voltage-lags") { Description = "Voltage lags 1..k of the voltage-lag models.", DefaultValueFactory = _ => Defaults.VoltageLags };
    private readonly Option<int> _currentLags = new("--current-lags") { Description = "Current lags 1..m of the voltage-lag models.", DefaultValueFactory = _ => Defaults.CurrentLags };
    private readonly Option<int> _stride = new("--fasttree-stride") { Description = "FastTree trains on every n-th step.", DefaultValueFactory = _ => Defaults.FastTreeStride };
    private readonly Option<int> _epochs = new("--epochs") { Description = "Most MLP epochs (early stopping on closed-loop validation Γ may end sooner).", DefaultValueFactory = _ => Defaults.Epochs };
    private readonly Option<int[]> _hidden = new("--hidden") { Description = "MLP hidden widths, e.g. --hidden 128 128 (with --neuron or --data: the latent surrogate's).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [.. Defaults.Hidden] };
    private readonly Option<string?> _results = new("--results") { Description = "Folder for metrics, report and plots (default: results, or results/mixed)." };
    private readonly Option<string> _models = new("--models") { Description = "Folder for the exported models and cards.", DefaultValueFactory = _ => Defaults.ModelsFolder };
    private readonly Option<string?> _neuron = new("--neuron") { Description = "Train the latent surrogate on a built-in neuron's dataset (mixed stimuli; generated when missing): izhikevich (RS, models/rs_latent.*), hh (models/hh_latent.*) or pyramid (models/pyramid_latent.*, needs NEURON)." };
    private readonly Option<string?> _data = new("--data") { Description = "Train the latent surrogate on any traces file, CSV or .parquet (run,neuron,time_ms,current,voltage; further current_* columns are inputs too; no recovery needed): models/NAME.*, results/NAME/." };
    private readonly Option<string?> _name = new("--name") { Description = "File stem of the latent model (default: the built-in neuron's, or the CSV's name + _latent)." };
    private readonly Option<int?> _iterations = new("--iterations") { Description = "Latent training iterations (default: 1500 in the main job, 5000 for --neuron and --data, 1000 for the latent experiments)." };
    private readonly Option<int?> _seeds = new("--seeds") { Description = "Latent seeds trained one after the other, --seed onwards; the best on validation ships, all are reported (default: 2 for --neuron, 1 otherwise)." };
    private readonly Option<int> _stepFactor = new("--step-factor") { Description = "The latent surrogate steps k data steps at a time (1, 2, 5, 10…).", DefaultValueFactory = _ => 1 };
    private readonly Option<int[]> _variants = new("--variants") { Description = "With --experiments and --neuron or --data: run only these latent variants (1-based rows of the table).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string> _stimulus = new("--stimulus") { Description = "With --neuron: mixed (the generator's mixed stimuli, 100 ms traces, currents ≥ 0) library (the stimulus library: 1 s traces, hyperpolarizing to depolarizing, amplitudes from the neuron's measured landmarks; data/KEY_library.csv) or combined (both datasets: training windows from both, checkpoints chosen on both validation parts, both test parts scored).", DefaultValueFactory = _ => "mixed" };
    private readonly Option<bool> _synaptic = new("--synaptic") { Description = "With --data: the traces were driven by synaptic input events, which lie beside them (TRACES with .events before the extension, the synapse table beside that; generate --inputs synaptic writes both): train a synaptic latent surrogate (k = 10 by default)." };
    private readonly Option<bool> _tcn = new("--tcn") { Description = "With --synaptic: train the comparison instead, a temporal convolutional network in the style of Beniaguev et al. (results/NAME/tcn.md)." };
    private readonly Option<int> _tcnChannels = new("--tcn-channels") { Description = "With --tcn: the network's channels (the projection's and every convolution's).", DefaultValueFactory = _ => 32 };
    private readonly Option<int> _tcnDendrites = new("--tcn-dendrites") { Description = "With --tcn: a dendritic input stage of this many units: every synapse's events filtered by exp(-t/τ) for τ 3, 20 and 80 ms, a 1×1 layer with SiLU, then the projection (0: the counts projected linearly).", DefaultValueFactory = _ => 0 };
    private readonly Option<bool> _linear = new("--linear") { Description = "With --synaptic: fit the comparison's linear baseline instead, ridge regression of the clipped voltage on every synapse's events filtered by exponential kernels of 3, 20 and 80 ms, and report where the clipped voltage varies against the time since the last spike (results/NAME/linear.md)." };
    private readonly Option<int> _channels = new("--input-channels") { Description = "With --synaptic: channels of the learned projection of the synapses' event counts.", DefaultValueFactory = _ => 8 };
    private readonly Option<double[]> _taus = new("--input-taus") { Description = "With --synaptic: the fixed time constants (ms) of each channel's leaky input traces (with --linear, given explicitly: the baseline's kernels instead of 3, 20 and 80 ms).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [2, 5, 15, 40, 100] };
    private readonly Option<string[]> _moreTraining = new("--more-training") { Description = "With --synaptic: further traces files (events beside each) whose traces join the training runs; validation and test runs stay those of --data.", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string[]> _heldOut = new("--held-out") { Description = "With --synaptic: further traces files (events beside each) of other input statistics, scored closed loop beside the test runs.", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string?> _mask = new("--mask") { Description = "Latent training: which errors of a free-running window count: auto (matched-spikes without a structural rule, else first-spike), first-spike, matched-spikes or none (every step)." };
    private readonly Option<double?> _spikeWeight = new("--spike-loss-weight") { Description = "Latent training: the weight of the spike head's cross-entropy beside the voltage error (default 0.1)." };
    private readonly Option<int?> _maxWindow = new("--max-window-steps") { Description = "Latent training: the longest free-running window (data steps) the curriculum grows to (default 400; 2000 with --synaptic)." };
    private readonly Option<int?> _batch = new("--batch-size") { Description = "Latent training: windows per iteration (default 256; 128 with --synaptic)." };
    private readonly Option<bool> _projectionFromLinear = new("--projection-from-linear") { Description = "With --synaptic (the latent model, k = 10): start the input projection from a ridge fit of the clipped voltage on the model's own input traces (the linear baseline on --input-taus): channel m carries the filter of the m-th time constant, so from the first iteration the traces hold the linear prediction; the other channels start random. Needs at least as many --input-channels as --input-taus. The fit's time is reported beside the training's." };
    private readonly Option<double?> _spikeMatch = new("--spike-match-ms") { Description = "Latent training with the matched-spikes mask: spikes of the model and the truth this close (ms) are matched and the error counts through them (default 0.5)." };
    private readonly Option<int?> _threads = new("--threads") { Description = "Latent training: torch threads (default 1, which is deterministic for a seed)." };
    private readonly Option<double?> _maxTau = new("--max-time-constant-ms") { Description = "Latent training: the longest time constant (ms) of the leaky voltage and spike memories (default 200)." };
    private readonly Option<string> _unit = new("--current-unit") { Description = "The unit of the currents of a --data file, for the card.", DefaultValueFactory = _ => "as in the training data" };

    public TrainCommand()
    {
        _regime.AcceptOnlyFromAmong("default", "mixed");
        _neuron.AcceptOnlyFromAmong([.. BuiltInNeuron.All.Select(n => n.Key)]);
        _stimulus.AcceptOnlyFromAmong("mixed", "library", "combined");
        _mask.AcceptOnlyFromAmong("auto", "first-spike", "matched-spikes", "none");
        Root = new RootCommand("The main job: split the dataset by run, train the models and baselines, export them, and score everything closed-loop on held-out runs. With --neuron or --data: train a latent surrogate instead.")
        {
            _plots, _regime, _experiments, _dataset, _seed, _voltageLags, _currentLags, _stride, _epochs, _hidden, _results, _models, _neuron, _data, _name, _iterations, _seeds, _stepFactor, _unit, _variants, _stimulus, _synaptic, _tcn, _tcnChannels, _tcnDendrites, _linear, _channels, _taus, _moreTraining, _heldOut, _mask, _spikeWeight, _maxWindow, _maxTau, _batch, _projectionFromLinear, _threads, _spikeMatch,
        };
    }

    /// <summary>The root command; its action is set by the caller.</summary>
    public RootCommand Root { get; }

    /// <summary>The options a parsed command line asks for.</summary>
    /// <param name="result">The parse of <paramref name="args"/>.</param>
    /// <param name="args">The command line, quoted in a latent job's report.</param>
    /// <exception cref="ArgumentException">The options contradict each other or a value is out of range.</exception>
    public TrainOptions Options(ParseResult result, IReadOnlyList<string> args)
    {
        string? neuronKey = result.GetValue(_neuron), dataPath = result.GetValue(_data);
        if (neuronKey is not null && dataPath is not null)
        {
            throw new ArgumentException("--neuron and --data: expected one of them (a built-in neuron's dataset, or your own CSV)");
        }
        bool latentOnly = neuronKey is not null || dataPath is not null;
        var start = latentOnly ? new TrainOptions() : TrainOptions.For(result.GetValue(_regime) == "mixed" ? TrainRegime.Mixed : TrainRegime.Default);
        var options = start with
        {
            Experiments = result.GetValue(_experiments),
            PlotTraces = result.GetValue(_plots),
            Seed = result.GetValue(_seed),
            ModelsFolder = result.GetValue(_models)!,
        };
        return latentOnly ? LatentJob(options, neuronKey, dataPath!, result, args) : options with
        {
            DatasetPath = result.GetValue(_dataset) ?? options.DatasetPath,
            Epochs = result.GetValue(_epochs),
            Hidden = result.GetValue(_hidden)!,
            VoltageLags = result.GetValue(_voltageLags),
            CurrentLags = result.GetValue(_currentLags),
            FastTreeStride = result.GetValue(_stride),
            ResultsFolder = result.GetValue(_results) ?? options.ResultsFolder,
            Latent = options.Latent with { Iterations = result.GetValue(_iterations) ?? options.Latent.Iterations },
        };
    }

    /// <summary>A latent job's options: <c>--neuron</c> (a built-in neuron's dataset) or <c>--data</c> (the user's file).</summary>
    private TrainOptions LatentJob(TrainOptions options, string? neuronKey, string dataPath, ParseResult result, IReadOnlyList<string> args)
    {
        var builtIn = BuiltInNeuron.All.FirstOrDefault(n => n.Key == neuronKey);
        string stimulus = result.GetValue(_stimulus)!;
        bool library = stimulus == "library", combined = stimulus == "combined";
        if ((library || combined) && builtIn is null)
        {
            throw new ArgumentException($"--stimulus {stimulus} goes with --neuron (a built-in neuron whose dataset is generated)");
        }
        if (combined && options.Experiments)
        {
            throw new ArgumentException("--stimulus combined goes without --experiments");
        }
        string path = builtIn is null ? dataPath : library ? builtIn.LibraryDatasetPath : builtIn.DatasetPath;
        string stem = result.GetValue(_name) ?? builtIn?.ModelName ?? Path.GetFileNameWithoutExtension(path) + "_latent";
        bool synaptic = result.GetValue(_synaptic);
        if (synaptic && (builtIn is not null || options.Experiments))
        {
            throw new ArgumentException("--synaptic goes with --data (traces whose input events lie beside them), without --experiments");
        }
        if ((result.GetValue(_tcn) || result.GetValue(_linear)) && !synaptic)
        {
            throw new ArgumentException("--tcn and --linear go with --synaptic (they are the synaptic comparison's models)");
        }
        if (result.GetValue(_tcn) && result.GetValue(_linear))
        {
            throw new ArgumentException("--tcn and --linear: expected one of them (each is its own comparison run)");
        }
        if (result.GetValue(_tcnChannels) is int channels and not 32 && (channels < 1 || !result.GetValue(_tcn)))
        {
            throw new ArgumentException(Invariant($"--tcn-channels {channels}: expected a count of channels ≥ 1, with --tcn"));
        }
        if (result.GetValue(_tcnDendrites) is int units and not 0 && (units < 0 || !result.GetValue(_tcn)))
        {
            throw new ArgumentException(Invariant($"--tcn-dendrites {units}: expected a count of units ≥ 0, with --tcn"));
        }
        var latent = synaptic
            ? new Torch.LatentSettings
            {
                // A synaptic cell's voltage follows its inputs: 1 ms steps, windows of 10–200 ms, a small MLP (≤ 10 000 parameters with the projection).
                Iterations = result.GetValue(_iterations) ?? 3000,
                StepFactor = result.GetResult(_stepFactor) is { Implicit: false } ? result.GetValue(_stepFactor) : 10,
                Hidden = [48, 48],
                BatchSize = 128,
                MinWindowSteps = 100,
                MaxWindowSteps = 2000,
                EvaluateEvery = 150,
            }
            : new Torch.LatentSettings
            {
                Iterations = result.GetValue(_iterations) ?? (options.Experiments ? 1000 : 5000),
                StepFactor = result.GetValue(_stepFactor),
            };
        if (result.GetResult(_hidden) is { Implicit: false })
        {
            latent = latent with { Hidden = result.GetValue(_hidden)! };
        }
        if (result.GetValue(_mask) is { } mask)
        {
            latent = latent with
            {
                Mask = mask switch { "first-spike" => Torch.LatentMask.FirstSpike, "matched-spikes" => Torch.LatentMask.MatchedSpikes, "none" => Torch.LatentMask.None, _ => Torch.LatentMask.Auto },
            };
        }
        if (result.GetValue(_spikeWeight) is { } weight)
        {
            latent = latent with { SpikeLossWeight = weight };
        }
        if (result.GetValue(_maxWindow) is { } window)
        {
            latent = latent with { MaxWindowSteps = window };
        }
        if (result.GetValue(_batch) is { } batch)
        {
            latent = latent with { BatchSize = batch };
        }
        if (result.GetValue(_maxTau) is { } tau)
        {
            latent = latent with { MaxTimeConstantMs = tau };
        }
        if (result.GetValue(_spikeMatch) is { } match)
        {
            latent = latent with { SpikeMatchMs = match };
        }
        if (result.GetValue(_threads) is { } threads)
        {
            latent = latent with { Threads = threads };
        }
        bool fromLinear = result.GetValue(_projectionFromLinear);
        if (fromLinear && (!synaptic || result.GetValue(_tcn) || result.GetValue(_linear)))
        {
            throw new ArgumentException("--projection-from-linear goes with --synaptic and the latent model (not --tcn or --linear)");
        }
        if (fromLinear && latent.StepFactor != Torch.SynapticTcn.BinSteps)
        {
            throw new ArgumentException(Invariant($"--projection-from-linear with --step-factor {latent.StepFactor}: expected k = {Torch.SynapticTcn.BinSteps} (the linear fit is on 1 ms bins)"));
        }
        if (fromLinear && result.GetValue(_channels) < result.GetValue(_taus)!.Length)
        {
            throw new ArgumentException(Invariant($"--projection-from-linear with --input-channels {result.GetValue(_channels)}: expected at least one channel per input time constant ({result.GetValue(_taus)!.Length})"));
        }
        int seeds = result.GetValue(_seeds) ?? (builtIn is null ? 1 : 2);
        if (seeds is < 1 or > 16)
        {
            throw new ArgumentException($"--seeds {seeds}: expected 1 to 16");
        }
        return options with
        {
            LatentOnly = true,
            Variants = (result.GetValue(_variants) ?? []).ToHashSet(),
            ModelName = stem,
            DatasetPath = path,
            Neuron = builtIn,
            Library = library,
            Combined = combined,
            CurrentUnit = result.GetValue(_unit)!,
            Latent = latent.Validate(),
            Seeds = seeds,
            Synaptic = synaptic,
            Tcn = synaptic && result.GetValue(_tcn),
            Linear = synaptic && result.GetValue(_linear),
            LinearTausMs = result.GetValue(_linear) && result.GetResult(_taus) is { Implicit: false } ? result.GetValue(_taus) : null,
            TcnChannels = result.GetValue(_tcnChannels),
            TcnDendrites = result.GetValue(_tcnDendrites),
            InputChannels = result.GetValue(_channels),
            ProjectionFromLinear = fromLinear,
            InputTimeConstantsMs = result.GetValue(_taus)!,
            HeldOut = result.GetValue(_heldOut) ?? [],
            MoreTraining = result.GetValue(_moreTraining) ?? [],
            ResultsFolder = result.GetValue(_results) ?? (options.Experiments ? "results" : Path.Combine("results", stem)),
            Command = "dotnet run --project src/Train -c Release -- " + string.Join(' ', args),
        };
    }
}

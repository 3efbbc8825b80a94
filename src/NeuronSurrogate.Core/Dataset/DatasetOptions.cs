using System.Globalization;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Dataset;

/// <summary>
/// A seeded dataset of simulated traces. The defaults are the reference prototype's dataset: 300 runs × 5 RS
/// neurons × 1000 steps of 0.1 ms, i.i.d. Gaussian current (mean 10, s.d. 5), seed 42.
/// </summary>
public sealed record DatasetOptions
{
    /// <summary>Runs in the whole dataset. Defaults to 300.</summary>
    public int Runs { get; init; } = 300;

    /// <summary>Independent neurons per run, each with its own stimulus. Defaults to 5.</summary>
    public int NeuronsPerRun { get; init; } = 5;

    /// <summary>Recorded steps per trace. Defaults to 1000 (100 ms at 0.1 ms).</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>The Izhikevich neuron, dt and integrator, used when <see cref="Neuron"/> is not set.</summary>
    public IzhikevichSimulationOptions Simulation { get; init; } = new();

    /// <summary>Another neuron model (Hodgkin–Huxley, a NEURON cell); when null, the Izhikevich neuron of <see cref="Simulation"/>.</summary>
    public INeuronModel? Neuron { get; init; }

    /// <summary>The recording step of a <see cref="Neuron"/> in ms (Izhikevich records at <see cref="Simulation"/>'s dt). Defaults to 0.1 ms.</summary>
    public double RecordingStepMs { get; init; } = 0.1;

    /// <summary>The current columns to drive (of the model's <see cref="INeuronModel.CurrentColumns"/>), <c>current</c> first. Defaults to <c>current</c>.</summary>
    public IReadOnlyList<string> CurrentColumns { get; init; } = [Data.TraceColumns.Current];

    /// <summary>The model that is simulated.</summary>
    public INeuronModel Model => Neuron ?? new IzhikevichNeuron(Simulation);

    /// <summary>The traces' dt in ms.</summary>
    public double TimeStepMs => Neuron is null ? Simulation.TimeStepMs : RecordingStepMs;

    /// <summary>The input current.</summary>
    public StimulusOptions Stimulus { get; init; } = new();

    /// <summary>
    /// Synaptic input (DESIGN section 12): each trace's input events drawn with these statistics, for a model with
    /// synapses; the currents are then 0. Null (the default) for traces driven by <see cref="Stimulus"/> alone.
    /// </summary>
    public SynapticInputOptions? Synaptic { get; init; }

    /// <summary>The global seed every trace's random stream is derived from. Defaults to 42.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Whether to record the recovery variable u as a <c>recovery</c> column. Defaults to false.</summary>
    public bool IncludeRecovery { get; init; }

    /// <summary>Which shard of the runs to produce, 0-based. Defaults to 0.</summary>
    public int ShardIndex { get; init; }

    /// <summary>How many shards the runs are split into (contiguous run ranges). Defaults to 1: the whole dataset.</summary>
    public int ShardCount { get; init; } = 1;

    /// <summary>The first run of this shard.</summary>
    public int FirstRun => (int)((long)Runs * ShardIndex / ShardCount);

    /// <summary>The runs in this shard.</summary>
    public int RunCount => (int)((long)Runs * (ShardIndex + 1) / ShardCount) - FirstRun;

    /// <summary>The largest dataset accepted, in rows (about 2^31, the limit of one array).</summary>
    public const long MaxRows = int.MaxValue / 2;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad value and the allowed range.</summary>
    public DatasetOptions Validate()
    {
        Simulation.Validate();
        Stimulus.Validate();
        var model = Model;
        model.CheckRecordingStep(TimeStepMs);
        if (IncludeRecovery && !model.RecordsRecovery)
        {
            throw new ArgumentOutOfRangeException(nameof(IncludeRecovery), IncludeRecovery, $"a recovery column: the {model.Name} model has no recovery variable (only izhikevich does)");
        }
        if (CurrentColumns.Count == 0 || CurrentColumns[0] != Data.TraceColumns.Current || CurrentColumns.Any(c => !model.CurrentColumns.Contains(c)) || CurrentColumns.Distinct().Count() != CurrentColumns.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(CurrentColumns), string.Join(',', CurrentColumns),
                $"current columns '{string.Join(',', CurrentColumns)}': expected 'current' first, then any of the {model.Name} model's ({string.Join(',', model.CurrentColumns)}), each once");
        }
        if (Synaptic is not null)
        {
            Synaptic.Validate();
            if (model.Synapses.Count == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(Synaptic), $"synaptic inputs: the {model.Name} model has no synapses (a NEURON cell file with 'synapses' has, e.g. models/cells/pyramid_synaptic.py)");
            }
        }
        Positive(Runs, "runs");
        Positive(NeuronsPerRun, "neurons");
        Positive(Steps, "steps");
        Positive(ShardCount, "shard count");
        if (ShardCount > Runs)
        {
            throw new ArgumentOutOfRangeException(nameof(ShardCount), ShardCount,
                string.Create(CultureInfo.InvariantCulture, $"{ShardCount} shards for {Runs} runs: expected at most one shard per run"));
        }
        if (ShardIndex < 0 || ShardIndex >= ShardCount)
        {
            throw new ArgumentOutOfRangeException(nameof(ShardIndex), ShardIndex,
                string.Create(CultureInfo.InvariantCulture, $"shard {ShardIndex}: expected 0 to {ShardCount - 1}"));
        }
        long rows = (long)RunCount * NeuronsPerRun * Steps;
        if (rows > MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(Runs), rows,
                string.Create(CultureInfo.InvariantCulture, $"{rows} rows in one file: expected at most {MaxRows}; split the dataset with shards"));
        }
        return this;

        static void Positive(int value, string name)
        {
            if (value <= 0)
            {
                throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} = {value}: expected a positive integer"));
            }
        }
    }
}

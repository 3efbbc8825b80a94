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

    /// <summary>The neuron, dt and integrator.</summary>
    public IzhikevichSimulationOptions Simulation { get; init; } = new();

    /// <summary>The input current.</summary>
    public StimulusOptions Stimulus { get; init; } = new();

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

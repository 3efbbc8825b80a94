using NeuronSurrogate.Torch;

namespace NeuronSurrogate.Train;

/// <summary>A latent job: which traces, which model, where its files go.</summary>
internal sealed record LatentJobOptions
{
    /// <summary>The model's file stem (models/NAME.*) and results folder name.</summary>
    public string Name { get; init; } = "latent";

    /// <summary>The traces CSV.</summary>
    public string DatasetPath { get; init; } = "";

    /// <summary>The built-in neuron behind the dataset (generated when missing, f–I curve and input-blind baseline), or null for a user's file.</summary>
    public BuiltInNeuron? Neuron { get; init; }

    /// <summary>The currents' unit for the card when the neuron is not known.</summary>
    public string CurrentUnit { get; init; } = "as in the training data";

    /// <summary>The architecture and schedule; its seed is the first of <see cref="Seeds"/>.</summary>
    public LatentSettings Settings { get; init; } = new();

    /// <summary>Seeds trained one after the other (seed, seed + 1, …); the one with the best validation Γ ships, every one is scored. Defaults to 1.</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>The seed of the split by run. Defaults to 42.</summary>
    public int SplitSeed { get; init; } = 42;

    public string ModelsFolder { get; init; } = "models";

    /// <summary>Where metrics.json, report.md, split.json and plots/ go.</summary>
    public string ResultsFolder { get; init; } = "results/latent";

    /// <summary>Test traces plotted. Defaults to 3.</summary>
    public int PlotTraces { get; init; } = 3;

    /// <summary>The command line that reproduces the job, for the report.</summary>
    public string Command { get; init; } = "";
}

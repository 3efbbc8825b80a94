using System.Globalization;

namespace NeuronSurrogate.Torch;

/// <summary>The architecture and training schedule of the state-space MLP.</summary>
/// <remarks>Model selection is by closed-loop Γ (then subthreshold RMSE) on the validation runs after every epoch,
/// never by the one-step loss alone, which does not predict closed-loop quality.</remarks>
public sealed record MlpSettings
{
    /// <summary>Hidden layer widths. Defaults to 2 × 128.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [128, 128];

    /// <summary>Defaults to <see cref="MlpActivation.SiLU"/>.</summary>
    public MlpActivation Activation { get; init; } = MlpActivation.SiLU;

    /// <summary>Most epochs. Defaults to 12.</summary>
    public int Epochs { get; init; } = 12;

    /// <summary>Rows per mini-batch. Defaults to 512.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Adam's initial learning rate, annealed to 5 % of it on a cosine over <see cref="Epochs"/>. Defaults to 2e-3.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Epochs without a better validation score before stopping. Defaults to 4.</summary>
    public int Patience { get; init; } = 4;

    /// <summary>Seed of the initialization and the shuffling. Defaults to 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Torch threads; 0 for the core count.</summary>
    public int Threads { get; init; }

    /// <summary>Train on every n-th eligible step (1 = all). Defaults to 1.</summary>
    public int RowStride { get; init; } = 1;

    public MlpSettings Validate()
    {
        if (Hidden.Count == 0 || Hidden.Any(h => h <= 0))
        {
            throw new ArgumentException($"hidden sizes [{string.Join(", ", Hidden)}]: expected at least one positive width");
        }
        if (Epochs <= 0 || BatchSize <= 0 || Patience <= 0 || RowStride <= 0 || !(LearningRate > 0))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"epochs {Epochs}, batch {BatchSize}, patience {Patience}, stride {RowStride}, learning rate {LearningRate}: expected positive values"));
        }
        return this;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{string.Join(" × ", Hidden)} {Activation}, Adam lr {LearningRate} cosine, batch {BatchSize}, ≤ {Epochs} epochs, patience {Patience}, seed {Seed}");
}

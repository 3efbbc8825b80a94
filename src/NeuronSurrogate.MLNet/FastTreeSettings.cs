using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace NeuronSurrogate.MLNet;

/// <summary>The few knobs of the FastTree baseline.</summary>
public sealed record FastTreeSettings
{
    /// <summary>Boosted trees. Defaults to 100.</summary>
    public int Trees { get; init; } = 100;

    /// <summary>Leaves per tree. Defaults to 32.</summary>
    public int Leaves { get; init; } = 32;

    /// <summary>Shrinkage. Defaults to 0.2.</summary>
    public double LearningRate { get; init; } = 0.2;

    /// <summary>Fewest examples in a leaf. Defaults to 20.</summary>
    public int MinimumExamplesPerLeaf { get; init; } = 20;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Trees} trees × {Leaves} leaves, learning rate {LearningRate}, ≥ {MinimumExamplesPerLeaf} examples per leaf");
}

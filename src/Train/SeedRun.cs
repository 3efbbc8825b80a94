using NeuronSurrogate.Torch;

namespace NeuronSurrogate.Train;

/// <summary>One seed's training.</summary>
internal sealed record SeedRun(LatentSettings Settings, LatentTrained Trained)
{
    /// <summary>The validation that chose the weights it kept.</summary>
    public LatentTrainingReport Best => Trained.History.Last(h => h.Best);
}

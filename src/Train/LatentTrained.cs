using NeuronSurrogate.Torch;

namespace NeuronSurrogate.Train;

/// <summary>A trained latent network (the owner disposes it), its history and the wall time of training.</summary>
internal sealed record LatentTrained(LatentNetwork Network, IReadOnlyList<LatentTrainingReport> History, double Seconds);

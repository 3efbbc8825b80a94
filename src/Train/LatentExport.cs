namespace NeuronSurrogate.Train;

/// <summary>Where a latent surrogate's files are.</summary>
internal sealed record LatentExport(string OnnxPath, string RolloutPath, string CardPath);

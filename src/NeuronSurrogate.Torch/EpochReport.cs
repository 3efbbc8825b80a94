using TorchSharp;

namespace NeuronSurrogate.Torch;

/// <summary>One epoch of training: the one-step loss and the closed-loop validation score that chooses the model.</summary>
public sealed record EpochReport(int Epoch, double TrainLoss, double ValidationGamma, double ValidationRmseSubthresholdMv,
    double LearningRate, double Seconds, bool Best);

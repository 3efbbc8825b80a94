namespace NeuronSurrogate.Torch;

/// <summary>One closed-loop validation during latent training, with the training loss since the one before.</summary>
/// <param name="Iteration">Iterations done.</param>
/// <param name="TrainLoss">Mean masked window loss (standardized voltage, plus the spike head's weighted cross-entropy).</param>
/// <param name="LongestWindowSteps">The longest free-running window drawn at this point of the curriculum (data steps).</param>
/// <param name="ValidationGamma">Closed-loop Γ on the validation runs.</param>
/// <param name="ValidationF1">Closed-loop spike F1 on the validation runs.</param>
/// <param name="ValidationRmseSubthresholdMv">Closed-loop subthreshold RMSE on the validation runs.</param>
/// <param name="LearningRate">The learning rate at this point.</param>
/// <param name="Seconds">Seconds since training started.</param>
/// <param name="Best">Whether these weights were the best so far (and so, possibly, the ones kept).</param>
/// <param name="ValidationSpikeAuc">A synaptic model's closed-loop spike AUC (1 ms bins, from its spike head) on the validation runs; null otherwise.</param>
public sealed record LatentTrainingReport(int Iteration, double TrainLoss, int LongestWindowSteps, double ValidationGamma, double ValidationF1,
    double ValidationRmseSubthresholdMv, double LearningRate, double Seconds, bool Best, double? ValidationSpikeAuc = null);

using System.Diagnostics;
using NeuronSurrogate.Stimuli;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>
/// The training loop shared by the project's MLPs: Adam on shuffled mini-batches of standardized rows, a cosine
/// learning-rate schedule, a closed-loop validation score after every epoch that keeps the best weights, early stopping.
/// </summary>
public static class MlpTrainer
{
    /// <summary>
    /// Trains <paramref name="model"/> in place on raw rows, standardized once with the model's own scaling, and leaves
    /// it with its best weights.
    /// </summary>
    /// <param name="module">The model as a module: its parameters are trained.</param>
    /// <param name="model">The same model: its scaling and its standardized core.</param>
    /// <param name="inputs">Raw input rows, row-major, <c>[rows, inputs.Length / rows]</c>.</param>
    /// <param name="targets">Raw target rows, row-major, <c>[rows, targets.Length / rows]</c>.</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="settings">The schedule.</param>
    /// <param name="validate">Scores the model in closed loop on the validation runs: (Γ, subthreshold RMSE).</param>
    /// <param name="progress">Called after every epoch.</param>
    /// <returns>The history of epochs.</returns>
    public static IReadOnlyList<EpochReport> Train(nn.Module module, IStandardizedMlp model, float[] inputs, float[] targets, int rows, MlpSettings settings,
        Func<(double Gamma, double RmseSubthresholdMv)> validate, Action<EpochReport>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(validate);
        Tensor x, y;
        using (no_grad())
        {
            using var rawX = tensor(inputs, [rows, inputs.Length / rows]);
            using var rawY = tensor(targets, [rows, targets.Length / rows]);
            using var scope = NewDisposeScope();
            x = model.Standardize(rawX).detach().DetachFromDisposeScope();
            y = model.StandardizeTargets(rawY).detach().DetachFromDisposeScope();
        }
        try
        {
            return Train(module, model, x, y, rows, settings, validate, progress);
        }
        finally
        {
            x.Dispose();
            y.Dispose();
        }
    }

    private static List<EpochReport> Train(nn.Module module, IStandardizedMlp model, Tensor x, Tensor y, int rows, MlpSettings settings,
        Func<(double Gamma, double RmseSubthresholdMv)> validate, Action<EpochReport>? progress)
    {
        var history = new List<EpochReport>();
        using var optimizer = new AdamOptimizer(module.parameters(), settings.LearningRate);
        var order = Enumerable.Range(0, rows).ToArray();
        var shuffle = new TraceRandom(settings.Seed, -1, -1);
        Tensor[]? best = null;
        (double Gamma, double Rmse) bestScore = (double.NegativeInfinity, double.PositiveInfinity);
        int sinceBest = 0;
        try
        {
            for (int epoch = 1; epoch <= settings.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                double lr = LearningRateAt(settings, epoch);
                optimizer.LearningRate = lr;
                for (int i = rows - 1; i > 0; i--)
                {
                    int j = shuffle.NextInt(i + 1);
                    (order[i], order[j]) = (order[j], order[i]);
                }
                double lossSum = 0;
                int batches = 0;
                module.train();
                for (int start = 0; start < rows; start += settings.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    int count = Math.Min(settings.BatchSize, rows - start);
                    var index = tensor(order.AsSpan(start, count).ToArray().Select(i => (long)i).ToArray());
                    var loss = nn.functional.mse_loss(model.Core(x.index_select(0, index)), y.index_select(0, index));
                    optimizer.ZeroGrad();
                    loss.backward();
                    optimizer.Step();
                    lossSum += loss.item<float>();
                    batches++;
                }
                module.eval();
                var (gamma, rmse) = validate();
                bool better = Math.Round(gamma, 4) > Math.Round(bestScore.Gamma, 4)
                    || (Math.Round(gamma, 4) == Math.Round(bestScore.Gamma, 4) && rmse < bestScore.Rmse);
                if (better)
                {
                    DisposeAll(best);
                    using (NewDisposeScope())
                    {
                        // Kept reachable until copied (see LatentTrainer): no temporary left to the finalizer.
                        best = module.parameters().Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
                    }
                    bestScore = (gamma, rmse);
                    sinceBest = 0;
                }
                else
                {
                    sinceBest++;
                }
                var report = new EpochReport(epoch, lossSum / batches, gamma, rmse, lr, clock.Elapsed.TotalSeconds, better);
                history.Add(report);
                progress?.Invoke(report);
                if (sinceBest >= settings.Patience)
                {
                    break;
                }
            }
            if (best is not null)
            {
                using var noGrad = no_grad();
                foreach (var (parameter, saved) in module.parameters().Zip(best))
                {
                    parameter.copy_(saved);
                }
            }
            return history;
        }
        finally
        {
            DisposeAll(best);
        }
    }

    /// <summary>Cosine annealing from the initial rate at epoch 1 to 5 % of it at the last epoch.</summary>
    public static double LearningRateAt(MlpSettings settings, int epoch)
    {
        ArgumentNullException.ThrowIfNull(settings);
        double progress = settings.Epochs == 1 ? 0 : (epoch - 1) / (double)(settings.Epochs - 1);
        return settings.LearningRate * (0.05 + 0.95 * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }

    private static void DisposeAll(Tensor[]? tensors)
    {
        foreach (var t in tensors ?? [])
        {
            t.Dispose();
        }
    }
}

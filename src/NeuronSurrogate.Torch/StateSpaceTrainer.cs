using System.Diagnostics;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Stimuli;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>One epoch of training: the one-step loss and the closed-loop validation score that chooses the model.</summary>
public sealed record EpochReport(int Epoch, double TrainLoss, double ValidationGamma, double ValidationRmseSubthresholdMv,
    double LearningRate, double Seconds, bool Best);

/// <summary>
/// Trains a <see cref="StateSpaceMlp"/> with Adam on mini-batches and a cosine learning-rate schedule, evaluates it in
/// closed loop on the validation runs after every epoch, keeps the best weights by closed-loop Γ (then subthreshold
/// RMSE), and stops early when that score stops improving. Deterministic for a seed on a given machine.
/// </summary>
public static class StateSpaceTrainer
{
    /// <summary>Trains a model.</summary>
    /// <param name="settings">Architecture and schedule.</param>
    /// <param name="scaling">The standardization fitted on the training rows.</param>
    /// <param name="states">Training states <c>[rows, 3]</c> (see <see cref="StateSpaceSamples"/>).</param>
    /// <param name="increments">Training targets <c>[rows, 2]</c>.</param>
    /// <param name="validate">Scores a model in closed loop on the validation runs: (Γ, subthreshold RMSE).</param>
    /// <param name="progress">Called after every epoch.</param>
    /// <returns>The model with its best weights, and the history. The caller owns (disposes) the model.</returns>
    public static (StateSpaceMlp Model, IReadOnlyList<EpochReport> History) Train(MlpSettings settings, StateSpaceScaling scaling,
        float[] states, float[] increments, Func<StateSpaceMlp, (double Gamma, double RmseSubthresholdMv)> validate, Action<EpochReport>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(increments);
        ArgumentNullException.ThrowIfNull(validate);
        settings.Validate();
        TorchRuntime.Initialize(settings.Threads);
        random.manual_seed(settings.Seed);
        int rows = states.Length / 3;
        if (rows == 0 || increments.Length != rows * 2)
        {
            throw new ArgumentException($"{states.Length} state values and {increments.Length} increments do not make training rows");
        }
        var model = new StateSpaceMlp(settings, scaling);
        var history = new List<EpochReport>();
        Tensor x, y;
        using (no_grad())
        {
            using var rawStates = tensor(states, [rows, 3]);
            using var rawIncrements = tensor(increments, [rows, 2]);
            x = model.Standardize(rawStates).detach();
            y = model.StandardizeTargets(rawIncrements).detach();
        }
        using var optimizer = optim.Adam(model.parameters(), settings.LearningRate);
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
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = lr;
                }
                for (int i = rows - 1; i > 0; i--)
                {
                    int j = shuffle.NextInt(i + 1);
                    (order[i], order[j]) = (order[j], order[i]);
                }
                double lossSum = 0;
                int batches = 0;
                model.train();
                for (int start = 0; start < rows; start += settings.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    int count = Math.Min(settings.BatchSize, rows - start);
                    var index = tensor(order.AsSpan(start, count).ToArray().Select(i => (long)i).ToArray());
                    var loss = nn.functional.mse_loss(model.Core(x.index_select(0, index)), y.index_select(0, index));
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item<float>();
                    batches++;
                }
                model.eval();
                var (gamma, rmse) = validate(model);
                bool better = Math.Round(gamma, 4) > Math.Round(bestScore.Gamma, 4)
                    || (Math.Round(gamma, 4) == Math.Round(bestScore.Gamma, 4) && rmse < bestScore.Rmse);
                if (better)
                {
                    DisposeAll(best);
                    best = model.parameters().Select(p => p.detach().clone()).ToArray();
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
                foreach (var (parameter, saved) in model.parameters().Zip(best))
                {
                    parameter.copy_(saved);
                }
            }
            return (model, history);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            DisposeAll(best);
            x.Dispose();
            y.Dispose();
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

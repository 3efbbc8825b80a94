using System.Diagnostics;
using NeuronSurrogate.Data;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Stimuli;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>
/// Trains a <see cref="LatentNetwork"/> for closed loop by masked multiple shooting (DESIGN section 9; the recipe and
/// the measurements behind it are in results/experiments.md): each iteration runs the network free over a batch of
/// windows that start from teacher-forced states, backpropagates the masked voltage error (and the spike head's
/// cross-entropy) through its own rollouts, and steps Adam on a cosine schedule; every so often it rolls the whole
/// validation runs out in closed loop and keeps the weights with the best Γ. Deterministic for a seed with one thread.
/// </summary>
public static class LatentTrainer
{
    /// <summary>Trains a network: <see cref="Create"/>, then <see cref="Fit(LatentNetwork, TraceSet, TraceSet, Action{LatentTrainingReport}?)"/>.</summary>
    /// <param name="spec">The surrogate's layout, fitted on <paramref name="train"/>.</param>
    /// <param name="settings">Architecture and schedule.</param>
    /// <param name="train">The training traces.</param>
    /// <param name="validation">The validation traces: closed-loop Γ on them chooses the weights.</param>
    /// <param name="progress">Called after every validation.</param>
    /// <returns>The network with its best weights (the caller owns it) and the history.</returns>
    /// <exception cref="InputException">The training traces have no spikes, or are too short for the shortest window.</exception>
    public static (LatentNetwork Network, IReadOnlyList<LatentTrainingReport> History) Train(LatentSpec spec, LatentSettings settings,
        TraceSet train, TraceSet validation, Action<LatentTrainingReport>? progress = null)
    {
        var network = Create(spec, settings);
        try
        {
            return (network, Fit(network, train, validation, progress));
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>A new network initialized from the settings' seed (torch's global generator: create networks one at a time).</summary>
    public static LatentNetwork Create(LatentSpec spec, LatentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        TorchRuntime.Initialize(settings.Threads);
        random.manual_seed(settings.Seed);
        return new LatentNetwork(spec, settings);
    }

    /// <summary>
    /// Trains <paramref name="network"/> in place and leaves it with its best weights. Uses no torch random numbers, so
    /// networks made by <see cref="Create"/> can be fitted on parallel threads and stay deterministic.
    /// </summary>
    /// <returns>The history of validations.</returns>
    /// <exception cref="InputException">The training traces have no spikes, or are too short for the shortest window.</exception>
    public static IReadOnlyList<LatentTrainingReport> Fit(LatentNetwork network, TraceSet train, TraceSet validation, Action<LatentTrainingReport>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        return Fit(network, [train], [validation], progress);
    }

    /// <summary>
    /// Trains on the training traces of several sets at once (their lengths may differ; windows are drawn in proportion to
    /// each trace's length) and validates on several sets, each scored closed loop: the checkpoint kept is the one with
    /// the best mean of their Γ.
    /// </summary>
    /// <inheritdoc cref="Fit(LatentNetwork, TraceSet, TraceSet, Action{LatentTrainingReport}?)"/>
    public static IReadOnlyList<LatentTrainingReport> Fit(LatentNetwork network, IReadOnlyList<TraceSet> train, IReadOnlyList<TraceSet> validation,
        Action<LatentTrainingReport>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        if (train.Count == 0 || validation.Count == 0)
        {
            throw new ArgumentException("at least one set of training traces and one of validation traces");
        }
        var spec = network.Spec;
        var settings = network.Settings;
        var windows = new LatentWindows(train, spec);
        int minBlocks = (settings.MinWindowSteps + spec.StepFactor - 1) / spec.StepFactor;
        if (windows.MaxBlocks < minBlocks)
        {
            throw InputException.About(null, $"traces longer than the shortest training window of {settings.MinWindowSteps} steps (the shortest has {windows.ShortestTrace} steps)");
        }
        if (windows.SpikeCount == 0)
        {
            throw InputException.About(null, $"training traces with spikes (upward crossings of {spec.SpikeThresholdMv} mV): the {train.Sum(t => t.TraceCount)} training traces have none, so there is nothing to learn a spiking surrogate from");
        }
        return Run(network, windows, validation, settings, progress);
    }

    /// <summary>
    /// Closed-loop scores of a network on some traces, through the C# rollout (non-finite voltages, if any, scored as the
    /// initial voltage); for a synaptic model with the field's metrics (<see cref="FieldMetrics"/>) from its spike head.
    /// </summary>
    public static MetricSummary ScoreClosedLoop(LatentNetwork network, TraceSet traces)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(traces);
        var probability = network.Spec.IsSynaptic ? new double[traces.VoltagesMv.Length] : null;
        var predictions = ClosedLoop(network, traces, probability);
        for (int i = 0; i < predictions.Length; i++)
        {
            if (!double.IsFinite(predictions[i]))
            {
                predictions[i] = network.Spec.InitialVoltageMv;
            }
        }
        var summary = Evaluation.Summarize(traces, predictions);
        if (probability is null)
        {
            return summary;
        }
        var field = new FieldMetrics();
        for (int trace = 0; trace < traces.TraceCount; trace++)
        {
            field.Add(traces.Trace(traces.VoltagesMv, trace), predictions.AsSpan(trace * traces.Steps, traces.Steps), traces.TimeStepMs,
                probability.AsSpan(trace * traces.Steps, traces.Steps));
        }
        return field.AddTo(summary);
    }

    /// <summary>The closed-loop voltages of a network on some traces (trace-major); a synaptic model's spike probabilities too, where asked for.</summary>
    public static double[] ClosedLoop(LatentNetwork network, TraceSet traces, double[]? spikeProbability = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(traces);
        using var stepper = new TorchLatentStepper(network);
        var predictions = new double[traces.VoltagesMv.Length];
        if (network.Spec.IsSynaptic)
        {
            LatentRollout.ClosedLoopEvents(stepper, traces.Events ?? throw new ArgumentException("a synaptic model scored on traces without input events"),
                traces.Steps, predictions, spikeProbability);
        }
        else
        {
            LatentRollout.ClosedLoop(stepper, network.Spec.Inputs.Select(i => traces.Input(i.Column)).ToArray(), predictions, traces.TraceCount);
        }
        return predictions;
    }

    private static List<LatentTrainingReport> Run(LatentNetwork network, LatentWindows windows, IReadOnlyList<TraceSet> validation, LatentSettings settings,
        Action<LatentTrainingReport>? progress)
    {
        var spec = network.Spec;
        var mask = settings.Mask == LatentMask.Auto ? (spec.Rule is null ? LatentMask.MatchedSpikes : LatentMask.FirstSpike) : settings.Mask;
        int matchSteps = (int)Math.Round(settings.SpikeMatchMs / spec.TimeStepMs);
        int k = spec.StepFactor;
        var draws = new TraceRandom(settings.Seed, -2, -2);
        var history = new List<LatentTrainingReport>();
        var clock = Stopwatch.StartNew();
        using var optimizer = new AdamOptimizer(network.parameters(), settings.LearningRate);
        Tensor[]? best = null;
        (double Gamma, double Tie) bestScore = (double.NegativeInfinity, double.PositiveInfinity);
        double lossSum = 0;
        int losses = 0;
        try
        {
            for (int iteration = 1; iteration <= settings.Iterations; iteration++)
            {
                double done = (iteration - 1) / (double)settings.Iterations;
                double rate = settings.LearningRate * (0.05 + 0.95 * 0.5 * (1 + Math.Cos(Math.PI * done)));
                optimizer.LearningRate = rate;
                int longest = LongestWindow(settings, done);
                int steps = settings.MinWindowSteps + draws.NextInt(longest - settings.MinWindowSteps + 1);
                int blocks = Math.Min(windows.MaxBlocks, (steps + k - 1) / k);
                double loss = Iterate(network, optimizer, windows, settings, mask, matchSteps, blocks, ref draws);
                if (double.IsFinite(loss))
                {
                    lossSum += loss;
                    losses++;
                }
                if (iteration % settings.EvaluateEvery == 0 || iteration == settings.Iterations)
                {
                    var score = Validate(network, validation);
                    // Ties in Γ go to the lower subthreshold RMSE; for a synaptic model, to the higher spike AUC (its spike
                    // head is scored, and Γ stays flat while the voltage has yet to learn to spike).
                    double tie = score.SpikeAuc is { } auc && double.IsFinite(auc) ? -auc : score.RmseSubthresholdMv;
                    bool better = Math.Round(score.Gamma, 4) > Math.Round(bestScore.Gamma, 4)
                        || (Math.Round(score.Gamma, 4) == Math.Round(bestScore.Gamma, 4) && tie < bestScore.Tie);
                    if (better)
                    {
                        foreach (var t in best ?? [])
                        {
                            t.Dispose();
                        }
                        // The detached views live in a scope until the copies are made: a temporary that only the GC
                        // frees could otherwise be finalized while libtorch still reads it (the hazard of issue 21).
                        using (NewDisposeScope())
                        {
                            best = network.parameters().Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
                        }
                        bestScore = (score.Gamma, tie);
                    }
                    var report = new LatentTrainingReport(iteration, losses > 0 ? lossSum / losses : double.NaN, longest, score.Gamma, score.SpikeF1,
                        score.RmseSubthresholdMv, rate, clock.Elapsed.TotalSeconds, better, score.SpikeAuc);
                    history.Add(report);
                    progress?.Invoke(report);
                    lossSum = 0;
                    losses = 0;
                }
            }
            if (best is not null)
            {
                using var noGrad = no_grad();
                foreach (var (parameter, saved) in network.parameters().Zip(best))
                {
                    parameter.copy_(saved);
                }
            }
            return history;
        }
        finally
        {
            foreach (var t in best ?? [])
            {
                t.Dispose();
            }
        }
    }

    /// <summary>The closed-loop scores on one validation set; on several, the mean of each score over the sets.</summary>
    private static (double Gamma, double SpikeF1, double RmseSubthresholdMv, double? SpikeAuc) Validate(LatentNetwork network, IReadOnlyList<TraceSet> sets)
    {
        var scores = sets.Select(set => ScoreClosedLoop(network, set)).ToArray();
        if (scores.Length == 1)
        {
            return (scores[0].Gamma, scores[0].SpikeF1, scores[0].RmseSubthresholdMv, scores[0].SpikeAuc);
        }
        return (scores.Average(s => s.Gamma), scores.Average(s => s.SpikeF1), scores.Average(s => s.RmseSubthresholdMv),
            scores.All(s => s.SpikeAuc is not null) ? scores.Average(s => s.SpikeAuc!.Value) : null);
    }

    /// <summary>The longest window of the curriculum at fraction <paramref name="done"/> of training (data steps).</summary>
    internal static int LongestWindow(LatentSettings settings, double done)
    {
        double grown = settings.WindowRampFraction > 0 ? Math.Min(1, done / settings.WindowRampFraction) : 1;
        return settings.MinWindowSteps + (int)((settings.MaxWindowSteps - settings.MinWindowSteps) * grown);
    }

    /// <summary>One iteration: draw windows, run free, backpropagate, step. Returns the loss (NaN when the step was skipped).</summary>
    private static double Iterate(LatentNetwork network, AdamOptimizer optimizer, LatentWindows windows, LatentSettings settings, LatentMask mask,
        int matchSteps, int blocks, ref TraceRandom draws)
    {
        var spec = network.Spec;
        int k = spec.StepFactor, length = blocks * k, count = settings.BatchSize;
        using var scope = NewDisposeScope();
        float[] voltageDecay, spikeDecay;
        using (no_grad())
        {
            var c0 = network.Coefficients();
            voltageDecay = c0.VoltageDecay.data<float>().ToArray();
            spikeDecay = c0.SpikeDecay.data<float>().ToArray();
        }
        var batch = windows.Draw(count, blocks, voltageDecay, spikeDecay, settings.TeacherNoiseMv, ref draws);
        var state = new LatentState(
            tensor(batch.Voltage, [count, 1]), tensor(batch.SpikeFlag, [count, 1]), tensor(batch.PeakFlag, [count, 1]),
            tensor(batch.VoltageMemory, [count, spec.VoltageMemory]), tensor(batch.SpikeMemory, [count, spec.SpikeMemory]),
            spec.IsSynaptic ? network.ProjectInputTraces(tensor(batch.InputTraces, [count, spec.Synapses, spec.InputTimeConstantsMs.Count])) : null);
        var currents = network.StandardizeCurrents(tensor(batch.Currents, [count, blocks, spec.CurrentsPerStep]));
        var coefficients = network.Coefficients();
        var voltages = new Tensor[blocks];
        var logits = new Tensor[blocks];
        for (int block = 0; block < blocks; block++)
        {
            (state, voltages[block], logits[block]) = network.StepStandardized(state, currents.select(1, block), coefficients);
        }
        var predicted = cat(voltages, 1);
        var weights = new float[count * length];
        LatentMasks.Fill(mask, predicted.detach().data<float>().ToArray(), batch.Targets, batch.StartVoltage, length, (float)spec.SpikeThresholdMv, matchSteps, weights, settings.MaskOverrunSteps);
        var counted = tensor(weights, [count, length]);
        // Numbers enter as tensors of this scope, never as TorchSharp Scalars (see LatentNetwork: those only the GC frees).
        var scaled = predicted.sub(tensor(batch.Targets, [count, length])).mul(tensor((float)(1 / spec.VoltageScaleMv)));
        var error = scaled.mul(scaled);
        var loss = where(counted.gt(zeros_like(counted)), error, zeros_like(error)).sum().div(tensor(Math.Max(1f, weights.Sum())));
        if (settings.SpikeLossWeight > 0)
        {
            // A block counts for the spike head where its first step counts for the voltage.
            var blockWeights = new float[count * blocks];
            for (int b = 0; b < count; b++)
            {
                for (int block = 0; block < blocks; block++)
                {
                    blockWeights[b * blocks + block] = weights[b * length + block * k];
                }
            }
            var spikeLoss = nn.functional.binary_cross_entropy_with_logits(cat(logits, 1), tensor(batch.SpikeTargets, [count, blocks]),
                tensor(blockWeights, [count, blocks]), reduction: nn.Reduction.Sum).div(tensor(Math.Max(1f, blockWeights.Sum())));
            loss = loss.add(spikeLoss.mul(tensor((float)settings.SpikeLossWeight)), TorchScalars.One);
        }
        optimizer.ZeroGrad();
        loss.backward();
        double norm = nn.utils.clip_grad_norm_(network.parameters(), settings.GradientClip);
        if (!double.IsFinite(norm))
        {
            // A window that ran off to infinity gives no usable gradient: skip this step rather than poison the weights.
            optimizer.ZeroGrad();
            return double.NaN;
        }
        optimizer.Step();
        return loss.item<float>();
    }
}

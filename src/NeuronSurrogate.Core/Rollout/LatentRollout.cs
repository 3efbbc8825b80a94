using System.Runtime.CompilerServices;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Rollout;

/// <summary>
/// Runs a latent surrogate over whole traces, trace-major <c>[trace, step]</c>, every trace of the batch advanced
/// together, one stepper call per surrogate step: closed loop (given only the currents, fed its own state: the
/// surrogate as it replaces the simulator) or teacher-forced (before every step the state's voltage, spike flag and
/// peak flag are set from the true voltages, so its memory is driven by the truth: a diagnostic). A synaptic model runs
/// closed loop over each trace's input events instead (<see cref="ClosedLoopEvents"/>), fed each step's event counts.
/// </summary>
public static class LatentRollout
{
    /// <summary>Closed-loop rollout from the spec's initial state.</summary>
    /// <param name="stepper">The model.</param>
    /// <param name="inputs">One trace-major array per input column of the spec, in its order.</param>
    /// <param name="predictionsMv">Receives the voltages, same layout; step 0 is the initial voltage.</param>
    /// <param name="traceCount">Number of traces.</param>
    /// <returns>Per trace, the first step whose voltage was NaN or beyond ±1000 mV (that step and the rest are NaN), or −1.</returns>
    public static int[] ClosedLoop(ILatentStepper stepper, IReadOnlyList<double[]> inputs, Span<double> predictionsMv, int traceCount) =>
        Run(stepper, inputs, null, predictionsMv, traceCount);

    /// <summary>Teacher-forced rollout: each step starts from the true voltage before it.</summary>
    /// <param name="stepper">The model.</param>
    /// <param name="inputs">One trace-major array per input column of the spec, in its order.</param>
    /// <param name="trueVoltagesMv">The true voltages, same layout.</param>
    /// <param name="predictionsMv">Receives the voltages, same layout.</param>
    /// <param name="traceCount">Number of traces.</param>
    /// <returns>Per trace, the first step that diverged, or −1.</returns>
    public static int[] TeacherForced(ILatentStepper stepper, IReadOnlyList<double[]> inputs, double[] trueVoltagesMv, Span<double> predictionsMv, int traceCount)
    {
        ArgumentNullException.ThrowIfNull(trueVoltagesMv);
        return Run(stepper, inputs, trueVoltagesMv, predictionsMv, traceCount);
    }

    /// <summary>
    /// Closed-loop rollout of a synaptic model (<see cref="LatentSpec.IsSynaptic"/>) over its input events, one list per trace.
    /// </summary>
    /// <param name="stepper">The model.</param>
    /// <param name="events">Each trace's input events (sorted by time, synapses below the model's count).</param>
    /// <param name="steps">Steps per trace, all traces alike.</param>
    /// <param name="predictionsMv">Receives the voltages, trace-major <c>[trace, step]</c>; step 0 is the initial voltage.</param>
    /// <param name="spikeProbability">Receives, when given, the spike head's probability for each step, same layout: a step
    /// carries the probability of the surrogate step that produced it (step 0: 0).</param>
    /// <returns>Per trace, the first step that diverged, or −1.</returns>
    public static int[] ClosedLoopEvents(ILatentStepper stepper, IReadOnlyList<TraceEvents> events, int steps, Span<double> predictionsMv,
        Span<double> spikeProbability = default)
    {
        ArgumentNullException.ThrowIfNull(stepper);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        var spec = stepper.Spec;
        if (!spec.IsSynaptic)
        {
            throw new ArgumentException("input events for a model that reads currents; give it the current columns");
        }
        if (predictionsMv.Length != (long)events.Count * steps || (!spikeProbability.IsEmpty && spikeProbability.Length != predictionsMv.Length))
        {
            throw new ArgumentException($"buffers of {predictionsMv.Length} and {spikeProbability.Length} values do not hold {events.Count} traces of {steps} steps");
        }
        var binned = events.Select(e => EventSteps.Of(e, spec.TimeStepMs, spec.Synapses)).ToArray();
        int k = spec.StepFactor;
        return Run(stepper, (trace, t, destination) =>
        {
            destination.Clear();
            var (at, synapses) = binned[trace];
            for (int i = EventSteps.FirstAtOrAfter(at, t); i < at.Length && at[i] < t + k; i++)
            {
                destination[synapses[i]] += 1;
            }
        }, null, predictionsMv, spikeProbability, events.Count, steps);
    }

    /// <summary>Fills one row's inputs of the surrogate step at data step t: <c>(trace, t, destination [CurrentsPerStep])</c>.</summary>
    private delegate void InputFiller(int trace, int t, Span<float> destination);

    private static int[] Run(ILatentStepper stepper, IReadOnlyList<double[]> inputs, double[]? truth, Span<double> predictionsMv, int traceCount)
    {
        ArgumentNullException.ThrowIfNull(stepper);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(traceCount);
        var spec = stepper.Spec;
        if (spec.IsSynaptic)
        {
            throw new ArgumentException("current columns for a synaptic model: it reads input events (ClosedLoopEvents)");
        }
        if (inputs.Count != spec.InputCount)
        {
            throw new ArgumentException($"{inputs.Count} input columns for a model that reads {spec.InputCount} ({string.Join(", ", spec.Inputs.Select(i => i.Column))})");
        }
        int values = inputs[0].Length;
        if (values % traceCount != 0 || inputs.Any(i => i.Length != values) || predictionsMv.Length != values || (truth is not null && truth.Length != values))
        {
            throw new ArgumentException($"buffers of {values} and {predictionsMv.Length} values do not hold {traceCount} traces of equal length");
        }
        int steps = values / traceCount;
        int k = spec.StepFactor, columns = spec.InputCount;
        return Run(stepper, (trace, t, destination) =>
        {
            for (int j = 0; j < k; j++)
            {
                // Past the end of the trace the last current is held; those outputs are never recorded.
                int source = trace * steps + Math.Min(t + j, steps - 1);
                for (int c = 0; c < columns; c++)
                {
                    destination[j * columns + c] = (float)inputs[c][source];
                }
            }
        }, truth, predictionsMv, default, traceCount, steps);
    }

    private static int[] Run(ILatentStepper stepper, InputFiller fill, double[]? truth, Span<double> predictionsMv, Span<double> spikeProbability,
        int traceCount, int steps)
    {
        var diverged = new int[traceCount];
        int size = BlockSize(traceCount);
        if (stepper is IRowwiseLatentStepper && size < traceCount)
        {
            // Blocks of traces in parallel, each through the same loop with its own buffers (state and activations in cache).
            var buffer = new double[predictionsMv.Length];
            var probability = spikeProbability.IsEmpty ? null : new double[spikeProbability.Length];
            int blocks = (traceCount + size - 1) / size;
            Parallel.For(0, blocks, block =>
            {
                int from = block * size, to = Math.Min(traceCount, from + size);
                RunBlock(stepper, fill, truth, buffer.AsSpan(from * steps, (to - from) * steps),
                    probability is null ? default : probability.AsSpan(from * steps, (to - from) * steps), from, to, steps, diverged);
            });
            buffer.CopyTo(predictionsMv);
            probability?.CopyTo(spikeProbability);
        }
        else
        {
            RunBlock(stepper, fill, truth, predictionsMv, spikeProbability, 0, traceCount, steps, diverged);
        }
        return diverged;
    }

    /// <summary>The most traces a row-wise stepper runs per block (<see cref="IRowwiseLatentStepper"/>).</summary>
    public const int BlockTraces = 16;

    /// <summary>
    /// Traces per block of a row-wise stepper: <see cref="BlockTraces"/>, or fewer where that would leave a core idle
    /// (a few long traces still run on every core). Rows are independent, so the block size never changes the results.
    /// </summary>
    public static int BlockSize(int traceCount) =>
        Math.Clamp((traceCount + Environment.ProcessorCount - 1) / Environment.ProcessorCount, 1, BlockTraces);

    /// <summary>Traces [from, to) over all their steps; <paramref name="predictionsMv"/> holds just those traces.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled optimized at its first call: a short rollout runs no tier-0 steps
    private static void RunBlock(ILatentStepper stepper, InputFiller fill, double[]? truth, Span<double> predictionsMv, Span<double> spikeProbability,
        int from, int to, int steps, int[] diverged)
    {
        var spec = stepper.Spec;
        int count = to - from, k = spec.StepFactor, width = spec.CurrentsPerStep, size = spec.StateSize;
        var initial = spec.InitialState();
        var state = new float[count * size];
        for (int row = 0; row < count; row++)
        {
            initial.CopyTo(state, row * size);
        }
        var currents = new float[count * width];
        var voltages = new float[count * k];
        var probability = new float[count];
        diverged.AsSpan(from, count).Fill(-1);
        predictionsMv.Fill(double.NaN);
        spikeProbability.Clear();
        for (int row = 0; row < count && steps > 0; row++)
        {
            predictionsMv[row * steps] = spec.InitialVoltageMv;
        }
        double threshold = spec.SpikeThresholdMv;
        for (int t = 0; t + 1 < steps; t += k)
        {
            for (int row = 0; row < count; row++)
            {
                int trace = from + row;
                fill(trace, t, currents.AsSpan(row * width, width));
                if (truth is not null)
                {
                    double v = truth[trace * steps + t];
                    double before = t > 0 ? truth[trace * steps + t - 1] : spec.InitialVoltageMv;
                    var s = state.AsSpan(row * size, size);
                    s[LatentSpec.VoltageIndex] = (float)v;
                    s[LatentSpec.SpikeFlagIndex] = before < threshold && v >= threshold ? 1 : 0;
                    s[LatentSpec.PeakFlagIndex] = spec.Rule is { } rule && v >= rule.PeakMv ? 1 : 0;
                }
            }
            stepper.Advance(currents, state, voltages, probability, count);
            for (int row = 0; row < count; row++)
            {
                if (diverged[from + row] >= 0)
                {
                    continue;
                }
                for (int j = 0; j < k && t + 1 + j < steps; j++)
                {
                    double v = voltages[row * k + j];
                    if (!(Math.Abs(v) <= VoltageLagRollout.DivergenceLimitMv))
                    {
                        diverged[from + row] = t + 1 + j;
                        break;
                    }
                    predictionsMv[row * steps + t + 1 + j] = v;
                    if (!spikeProbability.IsEmpty)
                    {
                        spikeProbability[row * steps + t + 1 + j] = probability[row];
                    }
                }
            }
        }
    }
}

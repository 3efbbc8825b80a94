using System.Runtime.Intrinsics;

namespace NeuronSurrogate.Rollout;

/// <summary>
/// Runs a state-space one-step model over whole traces, trace-major <c>[trace, step]</c>, with the simulator's own
/// recording semantics (DESIGN section 3): at each step, a state at or above the peak is recorded as the peak and reset
/// (v ← c, u ← u + d, no model call); otherwise v is recorded and the model advances (v, u) with the step's current.
/// </summary>
public static class StateSpaceRollout
{
    /// <summary>
    /// Closed loop: the model is given only the currents, starts from the simulator's initial state (v0, u0) and feeds
    /// its own predicted state back; all traces advance together, one model call per step.
    /// </summary>
    /// <returns>Per trace, the first step whose state was NaN or beyond ±1000 mV (the trace is stopped there and its
    /// remaining steps are NaN), or −1.</returns>
    public static int[] ClosedLoop(IStatePredictor model, ReadOnlySpan<double> currents, Span<double> predictionsMv, int traceCount,
        SpikeResetRule rule, double initialVoltageMv, double initialRecovery, Span<double> recovery = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rule);
        int steps = Steps(currents.Length, predictionsMv.Length, traceCount);
        // The loop works time-major, so each step reads the currents and writes the voltages of all traces
        // contiguously (the trace-major layout would touch a different cache line per trace per step).
        var currentsByStep = new float[steps * traceCount];
        for (int trace = 0; trace < traceCount; trace++)
        {
            var row = currents.Slice(trace * steps, steps);
            for (int t = 0; t < steps; t++)
            {
                currentsByStep[t * traceCount + trace] = (float)row[t];
            }
        }
        var recordedByStep = new double[steps * traceCount];
        var recoveryByStep = recovery.IsEmpty ? [] : new double[steps * traceCount];
        var diverged = ClosedLoopTimeMajor(model, currentsByStep, recordedByStep, traceCount, rule, initialVoltageMv, initialRecovery, recoveryByStep);
        for (int trace = 0; trace < traceCount; trace++)
        {
            var row = predictionsMv.Slice(trace * steps, steps);
            for (int t = 0; t < steps; t++)
            {
                row[t] = recordedByStep[t * traceCount + trace];
            }
            if (recoveryByStep.Length > 0)
            {
                var recoveryRow = recovery.Slice(trace * steps, steps);
                for (int t = 0; t < steps; t++)
                {
                    recoveryRow[t] = recoveryByStep[t * traceCount + trace];
                }
            }
        }
        return diverged;
    }

    /// <summary>
    /// The closed loop on time-major buffers (<c>[step, trace]</c>, the layout a batched loop wants; the caller owns and
    /// may reuse them): no copies, so what the loop adds to the model's own time is its per-step bookkeeping alone.
    /// </summary>
    /// <param name="model">The one-step model.</param>
    /// <param name="currentsByStep">Currents, <c>[steps, traceCount]</c>.</param>
    /// <param name="recordedByStep">Receives the recorded voltages, same layout.</param>
    /// <param name="traceCount">Traces per step.</param>
    /// <param name="rule">The peak → reset rule.</param>
    /// <param name="initialVoltageMv">v0.</param>
    /// <param name="initialRecovery">u0.</param>
    /// <param name="recoveryByStep">When not empty, receives u, same layout.</param>
    /// <returns>Per trace, the first step whose state diverged, or −1.</returns>
    public static int[] ClosedLoopTimeMajor(IStatePredictor model, ReadOnlySpan<float> currentsByStep, Span<double> recordedByStep, int traceCount,
        SpikeResetRule rule, double initialVoltageMv, double initialRecovery, Span<double> recoveryByStep = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(traceCount);
        if (currentsByStep.Length % traceCount != 0 || recordedByStep.Length != currentsByStep.Length
            || (!recoveryByStep.IsEmpty && recoveryByStep.Length != currentsByStep.Length))
        {
            throw new ArgumentException($"buffers of {currentsByStep.Length}, {recordedByStep.Length} and {recoveryByStep.Length} values do not hold {traceCount} traces per step");
        }
        int steps = currentsByStep.Length / traceCount;
        var v = new double[traceCount];
        var u = new double[traceCount];
        Array.Fill(v, initialVoltageMv);
        Array.Fill(u, initialRecovery);
        var states = new float[traceCount * 3];
        var increments = new float[traceCount * 2];
        var diverged = new int[traceCount];
        Array.Fill(diverged, -1);
        // 1.0 where the trace was reset on the previous step (its model increments are then ignored), else 0.0.
        var spiked = new double[traceCount];
        int divergedCount = 0;
        for (int step = 0; step < steps; step++)
        {
            if (step > 0)
            {
                model.Predict(states, increments, traceCount);
            }
            var currents = currentsByStep.Slice(step * traceCount, traceCount);
            var recorded = recordedByStep.Slice(step * traceCount, traceCount);
            var recovery = recoveryByStep.IsEmpty ? default : recoveryByStep.Slice(step * traceCount, traceCount);
            int trace = divergedCount == 0 ? AdvanceVectorized(step, rule, v, u, spiked, increments, states, currents, recorded, recovery) : 0;
            for (; trace < traceCount; trace++)
            {
                divergedCount += Advance(trace, step, rule, v, u, spiked, diverged, increments, states, currents, recorded, recovery);
            }
        }
        return diverged;
    }

    /// <summary>
    /// One step of one trace: apply the previous step's increments (unless it was a spike or the trace has stopped),
    /// record, apply the rule, and write the state row the model advances next with this step's current.
    /// </summary>
    /// <returns>1 when the trace diverges at this step, else 0.</returns>
    private static int Advance(int trace, int step, SpikeResetRule rule, double[] v, double[] u, double[] spiked, int[] diverged,
        float[] increments, float[] states, ReadOnlySpan<float> currents, Span<double> recorded, Span<double> recovery)
    {
        if (diverged[trace] >= 0)
        {
            recorded[trace] = double.NaN;
            return 0;
        }
        double vt = v[trace], ut = u[trace];
        if (step > 0 && spiked[trace] == 0)
        {
            vt += increments[2 * trace];
            ut += increments[2 * trace + 1];
        }
        spiked[trace] = 0;
        if (!(Math.Abs(vt) <= VoltageLagRollout.DivergenceLimitMv) || !double.IsFinite(ut))
        {
            diverged[trace] = step;
            recorded[trace] = double.NaN;
            return 1;
        }
        if (!recovery.IsEmpty)
        {
            recovery[trace] = ut;
        }
        if (vt >= rule.PeakMv)
        {
            recorded[trace] = rule.PeakMv;
            vt = rule.ResetMv;
            ut += rule.RecoveryIncrement;
            spiked[trace] = 1;
        }
        else
        {
            recorded[trace] = vt;
        }
        v[trace] = vt;
        u[trace] = ut;
        states[3 * trace] = (float)vt;
        states[3 * trace + 1] = (float)ut;
        states[3 * trace + 2] = currents[trace];
        return 0;
    }

    /// <summary>
    /// <see cref="Advance"/> for 8 traces at a time with 512-bit vectors, the same arithmetic lane by lane. A group in
    /// which any trace would diverge is left to the scalar path, which reports it.
    /// </summary>
    /// <returns>The first trace not handled (the caller finishes the rest with the scalar path).</returns>
    private static int AdvanceVectorized(int step, SpikeResetRule rule, double[] v, double[] u, double[] spiked,
        float[] increments, float[] states, ReadOnlySpan<float> currents, Span<double> recorded, Span<double> recovery)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return 0;
        }
        var peak = Vector512.Create(rule.PeakMv);
        var reset = Vector512.Create(rule.ResetMv);
        var jump = Vector512.Create(rule.RecoveryIncrement);
        var limit = Vector512.Create(VoltageLagRollout.DivergenceLimitMv);
        var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 0, 0, 0, 0, 0, 0, 0);
        var odds = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 1, 1, 1, 1, 1, 1, 1, 1);
        bool keepRecovery = !recovery.IsEmpty;
        Span<float> vf = stackalloc float[16];
        Span<float> uf = stackalloc float[16];
        int trace = 0;
        for (; trace + 8 <= v.Length; trace += 8)
        {
            var vt = Vector512.LoadUnsafe(ref v[0], (nuint)trace);
            var ut = Vector512.LoadUnsafe(ref u[0], (nuint)trace);
            var wasSpike = Vector512.LoadUnsafe(ref spiked[0], (nuint)trace);
            if (step > 0)
            {
                var pair = Vector512.LoadUnsafe(ref increments[0], (nuint)(2 * trace));
                var active = Vector512.Equals(wasSpike, Vector512<double>.Zero);
                vt += Vector512.WidenLower(Vector512.Shuffle(pair, evens)) & active;
                ut += Vector512.WidenLower(Vector512.Shuffle(pair, odds)) & active;
            }
            // |v| within bounds and u finite (u − u is 0 unless u is NaN or infinite), else the scalar path reports it.
            var sane = Vector512.LessThanOrEqual(Vector512.Abs(vt), limit) & Vector512.Equals(ut - ut, Vector512<double>.Zero);
            if (!Vector512.EqualsAll(sane.AsInt64(), Vector512<long>.AllBitsSet))
            {
                break;
            }
            if (keepRecovery)
            {
                ut.StoreUnsafe(ref recovery[0], (nuint)trace);
            }
            var spike = Vector512.GreaterThanOrEqual(vt, peak);
            Vector512.ConditionalSelect(spike, peak, vt).StoreUnsafe(ref recorded[0], (nuint)trace);
            vt = Vector512.ConditionalSelect(spike, reset, vt);
            ut = Vector512.ConditionalSelect(spike, ut + jump, ut);
            vt.StoreUnsafe(ref v[0], (nuint)trace);
            ut.StoreUnsafe(ref u[0], (nuint)trace);
            (Vector512<double>.One & spike).StoreUnsafe(ref spiked[0], (nuint)trace);
            Vector512.Narrow(vt, vt).StoreUnsafe(ref vf[0]);
            Vector512.Narrow(ut, ut).StoreUnsafe(ref uf[0]);
            int row = 3 * trace;
            for (int k = 0; k < 8; k++)
            {
                states[row + 3 * k] = vf[k];
                states[row + 3 * k + 1] = uf[k];
                states[row + 3 * k + 2] = currents[trace + k];
            }
        }
        return trace;
    }


    /// <summary>
    /// Teacher-forced: V(t) from the true state at t − 1 (the reset rule applied to the true V(t − 1)); a one-step diagnostic.
    /// </summary>
    public static void TeacherForced(IStatePredictor model, ReadOnlySpan<double> currents, ReadOnlySpan<double> trueVoltagesMv,
        ReadOnlySpan<double> trueRecovery, Span<double> predictionsMv, int traceCount, SpikeResetRule rule, double initialVoltageMv, int batchRows = 16384)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rule);
        int steps = Steps(currents.Length, predictionsMv.Length, traceCount);
        if (trueVoltagesMv.Length != currents.Length || trueRecovery.Length != currents.Length)
        {
            throw new ArgumentException("teacher forcing a state-space model needs the true voltage and recovery of every step");
        }
        var states = new float[batchRows * 3];
        var increments = new float[batchRows * 2];
        long total = (long)traceCount * steps;
        for (long start = 0; start < total; start += batchRows)
        {
            int rows = (int)Math.Min(batchRows, total - start);
            for (int r = 0; r < rows; r++)
            {
                long i = start + r;
                bool first = i % steps == 0;
                states[3 * r] = first ? 0 : (float)trueVoltagesMv[(int)i - 1];
                states[3 * r + 1] = first ? 0 : (float)trueRecovery[(int)i - 1];
                states[3 * r + 2] = first ? 0 : (float)currents[(int)i - 1];
            }
            model.Predict(states.AsSpan(0, rows * 3), increments.AsSpan(0, rows * 2), rows);
            for (int r = 0; r < rows; r++)
            {
                int i = (int)(start + r);
                if (i % steps == 0)
                {
                    predictionsMv[i] = initialVoltageMv;
                    continue;
                }
                double previous = trueVoltagesMv[i - 1];
                predictionsMv[i] = rule.Apply(previous, previous + increments[2 * r]);
            }
        }
    }

    private static int Steps(int currents, int predictions, int traceCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(traceCount);
        if (currents % traceCount != 0 || predictions != currents)
        {
            throw new ArgumentException($"buffers of {currents} and {predictions} values do not hold {traceCount} traces of equal length");
        }
        return currents / traceCount;
    }
}

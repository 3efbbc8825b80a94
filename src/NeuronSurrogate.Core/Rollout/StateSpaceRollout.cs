using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuronSurrogate.Rollout;

/// <summary>
/// Runs a state-space one-step model over whole traces, trace-major <c>[trace, step]</c>, with the simulator's own
/// recording semantics (DESIGN section 3) as its <see cref="StateSpaceSpec"/> states them: at each step, a state at or
/// above the peak is recorded as the peak and reset (v ← c, u ← u + d, no model call); otherwise v is recorded and the
/// model advances (v, u) with the step's current.
/// </summary>
public static class StateSpaceRollout
{
    /// <summary>
    /// Closed loop: the model is given only the currents, starts from the spec's initial state (v0, u0) and feeds
    /// its own predicted state back; all traces advance together, one model call per step.
    /// </summary>
    /// <returns>Per trace, the first step whose state was NaN or beyond ±1000 mV (the trace is stopped there and its
    /// remaining steps are NaN), or −1.</returns>
    public static int[] ClosedLoop(IStatePredictor model, ReadOnlySpan<double> currents, Span<double> predictionsMv, int traceCount,
        StateSpaceSpec spec, Span<double> recovery = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        int steps = Steps(currents.Length, predictionsMv.Length, traceCount);
        if (!recovery.IsEmpty && recovery.Length != currents.Length)
        {
            throw new ArgumentException($"a recovery buffer of {recovery.Length} values does not match {currents.Length} currents");
        }
        // The loop works time-major, so that each step reads the currents and writes the voltages of all traces
        // contiguously. The whole buffers are converted once, before and after: each trace's row is then read or written
        // in one sequential pass (a block of steps at a time would touch every page of the trace-major buffers again per
        // block).
        // The buffers come from the shared pool: a fresh 100 MB array costs a page fault per 4 KB on every call.
        int length = steps * traceCount;
        var currentsByStep = ArrayPool<float>.Shared.Rent(length);
        var recordedByStep = ArrayPool<double>.Shared.Rent(length);
        var recoveryByStep = recovery.IsEmpty ? null : ArrayPool<double>.Shared.Rent(length);
        try
        {
            for (int trace = 0; trace < traceCount; trace++)
            {
                var row = currents.Slice(trace * steps, steps);
                for (int t = 0; t < steps; t++)
                {
                    currentsByStep[t * traceCount + trace] = (float)row[t];
                }
            }
            var diverged = ClosedLoopTimeMajor(model, currentsByStep.AsSpan(0, length), recordedByStep.AsSpan(0, length), traceCount, spec,
                recoveryByStep is null ? default : recoveryByStep.AsSpan(0, length));
            FromTimeMajor(recordedByStep, predictionsMv, traceCount, steps);
            if (recoveryByStep is not null)
            {
                FromTimeMajor(recoveryByStep, recovery, traceCount, steps);
            }
            return diverged;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(currentsByStep);
            ArrayPool<double>.Shared.Return(recordedByStep);
            if (recoveryByStep is not null)
            {
                ArrayPool<double>.Shared.Return(recoveryByStep);
            }
        }
    }

    /// <summary>Copies a <c>[step, trace]</c> buffer into a <c>[trace, step]</c> one.</summary>
    private static void FromTimeMajor(double[] timeMajor, Span<double> traceMajor, int traceCount, int steps)
    {
        for (int trace = 0; trace < traceCount; trace++)
        {
            var row = traceMajor.Slice(trace * steps, steps);
            for (int t = 0; t < steps; t++)
            {
                row[t] = timeMajor[t * traceCount + trace];
            }
        }
    }

    /// <summary>
    /// The closed loop on time-major buffers (<c>[step, trace]</c>, the layout a batched loop wants; the caller owns and
    /// may reuse them): no copies, so what the loop adds to the model's own time is its per-step bookkeeping alone.
    /// </summary>
    /// <param name="model">The one-step model.</param>
    /// <param name="currentsByStep">Currents, <c>[steps, traceCount]</c>.</param>
    /// <param name="recordedByStep">Receives the recorded voltages, same layout.</param>
    /// <param name="traceCount">Traces per step.</param>
    /// <param name="spec">The initial state and the peak → reset rule.</param>
    /// <param name="recoveryByStep">When not empty, receives u, same layout.</param>
    /// <returns>Per trace, the first step whose state diverged, or −1.</returns>
    public static int[] ClosedLoopTimeMajor(IStatePredictor model, ReadOnlySpan<float> currentsByStep, Span<double> recordedByStep, int traceCount,
        StateSpaceSpec spec, Span<double> recoveryByStep = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(traceCount);
        if (currentsByStep.Length % traceCount != 0 || recordedByStep.Length != currentsByStep.Length
            || (!recoveryByStep.IsEmpty && recoveryByStep.Length != currentsByStep.Length))
        {
            throw new ArgumentException($"buffers of {currentsByStep.Length}, {recordedByStep.Length} and {recoveryByStep.Length} values do not hold {traceCount} traces per step");
        }
        int steps = currentsByStep.Length / traceCount;
        var loop = new Loop(model, traceCount, spec);
        for (int step = 0; step < steps; step++)
        {
            loop.Step(step, currentsByStep.Slice(step * traceCount, traceCount), recordedByStep.Slice(step * traceCount, traceCount),
                recoveryByStep.IsEmpty ? default : recoveryByStep.Slice(step * traceCount, traceCount));
        }
        return loop.Diverged;
    }

    /// <summary>The closed loop's state between steps: every trace's (v, u), the model's input and output rows, divergence.</summary>
    private sealed class Loop
    {
        private readonly IStatePredictor _model;
        private readonly SpikeResetRule _rule;
        private readonly double[] _v, _u;
        // Per trace: Reset where it was reset on the previous step (its model increments are then ignored), Stopped once
        // it has diverged, else 0; a byte per trace, since after every model call these arrays come back from L3 and
        // their bytes are the bookkeeping's cost.
        private readonly byte[] _spiked;
        private readonly float[] _states, _increments;

        public Loop(IStatePredictor model, int traceCount, StateSpaceSpec spec)
        {
            _model = model;
            _rule = spec.Rule;
            _v = new double[traceCount];
            _u = new double[traceCount];
            Array.Fill(_v, spec.InitialVoltageMv);
            Array.Fill(_u, spec.InitialRecovery);
            _spiked = new byte[traceCount];
            _states = new float[traceCount * StateSpaceSpec.InputWidth];
            _increments = new float[traceCount * StateSpaceSpec.OutputWidth];
            Diverged = new int[traceCount];
            Array.Fill(Diverged, -1);
        }

        /// <summary>Per trace, the first step whose state diverged, or −1.</summary>
        public int[] Diverged { get; }

        /// <summary>One step of every trace: the model call (after the first step), then recording and the rule.</summary>
        public void Step(int step, ReadOnlySpan<float> currents, Span<double> recorded, Span<double> recovery)
        {
            if (step > 0)
            {
                _model.Predict(_states, _increments, _v.Length);
            }
            int trace = AdvanceVectorized(step, _rule, _v, _u, _spiked, Diverged, _increments, _states, currents, recorded, recovery);
            for (; trace < _v.Length; trace++)
            {
                Advance(trace, step, _rule, _v, _u, _spiked, Diverged, _increments, _states, currents, recorded, recovery);
            }
        }
    }

    /// <summary>
    /// One step of one trace: apply the previous step's increments (unless it was a spike or the trace has stopped),
    /// record, apply the rule, and write the state row the model advances next with this step's current.
    /// </summary>
    private static void Advance(int trace, int step, SpikeResetRule rule, double[] v, double[] u, byte[] spiked, int[] diverged,
        float[] increments, float[] states, ReadOnlySpan<float> currents, Span<double> recorded, Span<double> recovery)
    {
        if (diverged[trace] >= 0)
        {
            recorded[trace] = double.NaN;
            if (!recovery.IsEmpty)
            {
                recovery[trace] = double.NaN;
            }
            return;
        }
        double vt = v[trace], ut = u[trace];
        if (step > 0 && spiked[trace] == 0)
        {
            vt += increments[StateSpaceSpec.OutputWidth * trace + StateSpaceSpec.Voltage];
            ut += increments[StateSpaceSpec.OutputWidth * trace + StateSpaceSpec.Recovery];
        }
        spiked[trace] = 0;
        if (!(Math.Abs(vt) <= VoltageLagRollout.DivergenceLimitMv) || !double.IsFinite(ut))
        {
            diverged[trace] = step;
            spiked[trace] = Stopped;
            recorded[trace] = double.NaN;
            if (!recovery.IsEmpty)
            {
                recovery[trace] = double.NaN;
            }
            return;
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
            spiked[trace] = Reset;
        }
        else
        {
            recorded[trace] = vt;
        }
        v[trace] = vt;
        u[trace] = ut;
        StateSpaceSpec.WriteInput(states.AsSpan(StateSpaceSpec.InputWidth * trace, StateSpaceSpec.InputWidth), vt, ut, currents[trace]);
    }

    /// <summary>The flag bytes of <see cref="Loop"/>.</summary>
    private const byte Reset = 1, Stopped = 2;

    /// <summary>
    /// <see cref="Advance"/> for 8 traces at a time with 512-bit vectors, the same arithmetic lane by lane, written for the
    /// spec's rows: increments (Δv, Δu) and inputs (v, u, I), interleaved per trace. A group that
    /// holds a stopped trace, or a trace that would diverge now, goes through the scalar path (which reports it); the
    /// other groups stay vectorized.
    /// </summary>
    /// <returns>The first trace not handled (the caller finishes the rest with the scalar path).</returns>
    private static int AdvanceVectorized(int step, SpikeResetRule rule, double[] v, double[] u, byte[] spiked, int[] diverged,
        float[] increments, float[] states, ReadOnlySpan<float> currents, Span<double> recorded, Span<double> recovery)
    {
        if (!Vector512.IsHardwareAccelerated || !Avx512F.IsSupported)
        {
            return 0;
        }
        var peak = Vector512.Create(rule.PeakMv);
        var reset = Vector512.Create(rule.ResetMv);
        var jump = Vector512.Create(rule.RecoveryIncrement);
        var limit = Vector512.Create(VoltageLagRollout.DivergenceLimitMv);
        var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 0, 0, 0, 0, 0, 0, 0);
        var odds = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 1, 1, 1, 1, 1, 1, 1, 1);
        // Row-major (v, u, I) positions 0..15 and 16..23 of 8 traces: v_k is element k of the first source, u_k element
        // 8 + k, I_k element 16 + k (the second source).
        var firstRows = Vector512.Create(0, 8, 16, 1, 9, 17, 2, 10, 18, 3, 11, 19, 4, 12, 20, 5);
        var lastRows = Vector512.Create(13, 21, 6, 14, 22, 7, 15, 23, 0, 0, 0, 0, 0, 0, 0, 0);
        bool keepRecovery = !recovery.IsEmpty;
        int trace = 0;
        for (; trace + 8 <= v.Length; trace += 8)
        {
            ulong flags = Unsafe.ReadUnaligned<ulong>(ref spiked[trace]);
            if ((flags & StoppedInAnyByte) != 0)
            {
                AdvanceGroup(trace, step, rule, v, u, spiked, diverged, increments, states, currents, recorded, recovery);
                continue;
            }
            var vt = Vector512.LoadUnsafe(ref v[0], (nuint)trace);
            var ut = Vector512.LoadUnsafe(ref u[0], (nuint)trace);
            // The 8 flag bytes, zero-extended to 8 lanes.
            var wasSpike = Avx512F.ConvertToVector512Int64(Vector128.CreateScalarUnsafe(flags).AsByte());
            if (step > 0)
            {
                var pair = Vector512.LoadUnsafe(ref increments[0], (nuint)(StateSpaceSpec.OutputWidth * trace));
                var active = Vector512.Equals(wasSpike, Vector512<long>.Zero).AsDouble();
                vt += Vector512.WidenLower(Vector512.Shuffle(pair, evens)) & active;
                ut += Vector512.WidenLower(Vector512.Shuffle(pair, odds)) & active;
            }
            // |v| within bounds and u finite (u − u is 0 unless u is NaN or infinite), else the scalar path reports it.
            var sane = Vector512.LessThanOrEqual(Vector512.Abs(vt), limit) & Vector512.Equals(ut - ut, Vector512<double>.Zero);
            if (!Vector512.EqualsAll(sane.AsInt64(), Vector512<long>.AllBitsSet))
            {
                // Nothing of this group has been written yet: the scalar path redoes it and reports the divergence.
                AdvanceGroup(trace, step, rule, v, u, spiked, diverged, increments, states, currents, recorded, recovery);
                continue;
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
            Unsafe.WriteUnaligned(ref spiked[trace], Avx512F.ConvertToVector128Byte(spike.AsInt64() & Vector512<long>.One).AsUInt64().ToScalar());
            // The 24 floats (v, u, I) of 8 traces from [v0..v7 | u0..u7] and [I0..I7] with two two-source permutes.
            int row = StateSpaceSpec.InputWidth * trace;
            var vu = Vector512.Narrow(vt, ut);
            var i = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(currents), (nuint)trace).ToVector512Unsafe();
            Avx512F.PermuteVar16x32x2(vu, firstRows, i).StoreUnsafe(ref states[0], (nuint)row);
            Avx512F.PermuteVar16x32x2(vu, lastRows, i).GetLower().StoreUnsafe(ref states[0], (nuint)(row + 16));
        }
        return trace;
    }

    private const ulong StoppedInAnyByte = 0x0202020202020202UL;

    /// <summary>The scalar path for the 8 traces of one vector group.</summary>
    private static void AdvanceGroup(int first, int step, SpikeResetRule rule, double[] v, double[] u, byte[] spiked, int[] diverged,
        float[] increments, float[] states, ReadOnlySpan<float> currents, Span<double> recorded, Span<double> recovery)
    {
        for (int trace = first; trace < first + 8; trace++)
        {
            Advance(trace, step, rule, v, u, spiked, diverged, increments, states, currents, recorded, recovery);
        }
    }


    /// <summary>
    /// Teacher-forced: V(t) from the true state at t − 1 (the reset rule applied to the true V(t − 1)); a one-step diagnostic.
    /// </summary>
    public static void TeacherForced(IStatePredictor model, ReadOnlySpan<double> currents, ReadOnlySpan<double> trueVoltagesMv,
        ReadOnlySpan<double> trueRecovery, Span<double> predictionsMv, int traceCount, StateSpaceSpec spec, int batchRows = 16384)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        int steps = Steps(currents.Length, predictionsMv.Length, traceCount);
        if (trueVoltagesMv.Length != currents.Length || trueRecovery.Length != currents.Length)
        {
            throw new ArgumentException("teacher forcing a state-space model needs the true voltage and recovery of every step");
        }
        const int input = StateSpaceSpec.InputWidth, output = StateSpaceSpec.OutputWidth;
        var states = new float[batchRows * input];
        var increments = new float[batchRows * output];
        long total = (long)traceCount * steps;
        for (long start = 0; start < total; start += batchRows)
        {
            int rows = (int)Math.Min(batchRows, total - start);
            for (int r = 0; r < rows; r++)
            {
                long i = start + r;
                bool first = i % steps == 0;
                var row = states.AsSpan(r * input, input);
                if (first)
                {
                    row.Clear();
                }
                else
                {
                    StateSpaceSpec.WriteInput(row, trueVoltagesMv[(int)i - 1], trueRecovery[(int)i - 1], (float)currents[(int)i - 1]);
                }
            }
            model.Predict(states.AsSpan(0, rows * input), increments.AsSpan(0, rows * output), rows);
            for (int r = 0; r < rows; r++)
            {
                int i = (int)(start + r);
                if (i % steps == 0)
                {
                    predictionsMv[i] = spec.InitialVoltageMv;
                    continue;
                }
                double previous = trueVoltagesMv[i - 1];
                predictionsMv[i] = spec.Rule.Apply(previous, previous + increments[output * r + StateSpaceSpec.Voltage]);
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

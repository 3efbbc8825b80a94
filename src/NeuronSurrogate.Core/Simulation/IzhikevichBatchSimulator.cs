using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NeuronSurrogate.Simulation;

/// <summary>
/// The fast path: many traces at once, vectorized over traces (512- or 256-bit double lanes, whichever the
/// machine accelerates) and parallel over blocks of traces, with no allocation per step.
/// </summary>
/// <remarks>
/// <para>
/// The arithmetic is the reference path's, operation for operation, in double precision and without fused
/// multiply-adds, so the fast path gives bit-identical voltages and the same spike steps as
/// <see cref="IzhikevichReferenceSimulator"/> (a test holds it to that).
/// </para>
/// <para>
/// Two layouts: time-major (<c>[step, trace]</c>, the layout a vectorized simulator wants: one step of all
/// traces is contiguous) and trace-major (<c>[trace, step]</c>, the CSV's and the ONNX rollout's layout), which is
/// transposed through a small per-thread tile so the kernel still reads contiguous vectors.
/// </para>
/// <para>Divergence (a non-finite state) is never thrown from the loop: each block keeps a NaN accumulator, and
/// the traces of a block that diverged are re-run on the reference path afterwards to find the exact step.</para>
/// </remarks>
public static class IzhikevichBatchSimulator
{
    /// <summary>
    /// Traces per block of the time-major path: one block per thread, between 256 and 65 536 traces (a multiple of 8).
    /// The path is bound by memory (a current read and a voltage written per neuron-step), and long contiguous row
    /// segments stream better than short ones; the state of the largest block (1 MB) still fits in L2.
    /// </summary>
    private static int TimeMajorBlockTraces(int traceCount, int threads) =>
        Math.Clamp(((traceCount + threads - 1) / threads + 7) & ~7, 256, 65536);

    /// <summary>Traces × steps of one transposed tile of the trace-major path (64 × 128 doubles = 64 KiB per buffer).</summary>
    private const int TileTraces = 64, TileSteps = 64;

    /// <summary>Simulates traces stored time-major: element <c>step * traceCount + trace</c>.</summary>
    /// <param name="options">The neuron, dt and integrator.</param>
    /// <param name="currents">The currents, <c>[steps, traceCount]</c>.</param>
    /// <param name="voltagesMv">Receives the recorded voltages, same layout.</param>
    /// <param name="traceCount">The number of traces (the row length).</param>
    /// <param name="recovery">When not empty, receives u, same layout.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use; 0 or less for all cores.</param>
    /// <returns>The traces that diverged, with their first non-finite step; empty when none did.</returns>
    public static IReadOnlyList<TraceDivergence> SimulateTimeMajor(
        IzhikevichSimulationOptions options, ReadOnlyMemory<double> currents, Memory<double> voltagesMv, int traceCount,
        Memory<double> recovery = default, int maxDegreeOfParallelism = 0)
    {
        int steps = CheckShapes(options, currents.Length, voltagesMv.Length, recovery.Length, traceCount);
        var constants = new KernelConstants(options);
        var parallel = ParallelOptionsFor(maxDegreeOfParallelism);
        int blockTraces = TimeMajorBlockTraces(traceCount, parallel.MaxDegreeOfParallelism);
        int blocks = (traceCount + blockTraces - 1) / blockTraces;
        var diverged = new bool[blocks];
        Parallel.For(0, blocks, parallel, block =>
        {
            int first = block * blockTraces;
            int width = Math.Min(blockTraces, traceCount - first);
            // The state of a block (up to 1 MB) comes from the shared pool: no large-object allocation per call.
            var vBuffer = ArrayPool<double>.Shared.Rent(width);
            var uBuffer = ArrayPool<double>.Shared.Rent(width);
            var v = vBuffer.AsSpan(0, width);
            var u = uBuffer.AsSpan(0, width);
            v.Fill(options.InitialVoltageMv);
            u.Fill(options.InitialRecovery);
            ref double i0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(currents.Span), first);
            ref double v0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(voltagesMv.Span), first);
            ref double r0 = ref recovery.IsEmpty ? ref Unsafe.NullRef<double>() : ref Unsafe.Add(ref MemoryMarshal.GetReference(recovery.Span), first);
            diverged[block] = Run(constants, ref i0, ref v0, ref r0, traceCount, v, u, steps);
            ArrayPool<double>.Shared.Return(vBuffer);
            ArrayPool<double>.Shared.Return(uBuffer);
        });
        return FindDivergences(options, diverged, blockTraces, traceCount, steps,
            (trace, buffer) => { var span = currents.Span; for (int t = 0; t < steps; t++) { buffer[t] = span[t * traceCount + trace]; } });
    }

    /// <summary>Simulates traces stored trace-major: element <c>trace * stepCount + step</c> (the CSV's order).</summary>
    /// <param name="options">The neuron, dt and integrator.</param>
    /// <param name="currents">The currents, <c>[traceCount, stepCount]</c>.</param>
    /// <param name="voltagesMv">Receives the recorded voltages, same layout.</param>
    /// <param name="traceCount">The number of traces.</param>
    /// <param name="recovery">When not empty, receives u, same layout.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use; 0 or less for all cores.</param>
    /// <returns>The traces that diverged, with their first non-finite step; empty when none did.</returns>
    public static IReadOnlyList<TraceDivergence> SimulateTraceMajor(
        IzhikevichSimulationOptions options, ReadOnlyMemory<double> currents, Memory<double> voltagesMv, int traceCount,
        Memory<double> recovery = default, int maxDegreeOfParallelism = 0)
    {
        int steps = CheckShapes(options, currents.Length, voltagesMv.Length, recovery.Length, traceCount);
        var constants = new KernelConstants(options);
        int blocks = (traceCount + TileTraces - 1) / TileTraces;
        var diverged = new bool[blocks];
        bool record = !recovery.IsEmpty;
        Parallel.For(0, blocks, ParallelOptionsFor(maxDegreeOfParallelism),
            () => new double[3 * TileTraces * TileSteps],
            (block, _, scratch) =>
            {
                int first = block * TileTraces;
                int count = Math.Min(TileTraces, traceCount - first);
                // Pad the lanes of a short last block with zero current: they simulate harmlessly and are never copied out.
                int width = count == TileTraces ? TileTraces : (count + 7) & ~7;
                var tileI = scratch.AsSpan(0, TileTraces * TileSteps);
                var tileV = scratch.AsSpan(TileTraces * TileSteps, TileTraces * TileSteps);
                var tileR = scratch.AsSpan(2 * TileTraces * TileSteps, TileTraces * TileSteps);
                Span<double> v = stackalloc double[TileTraces];
                Span<double> u = stackalloc double[TileTraces];
                v[..width].Fill(options.InitialVoltageMv);
                u[..width].Fill(options.InitialRecovery);
                tileI.Clear();
                var input = currents.Span;
                var output = voltagesMv.Span;
                var outputR = recovery.Span;
                bool bad = false;
                for (int t0 = 0; t0 < steps; t0 += TileSteps)
                {
                    int tileSteps = Math.Min(TileSteps, steps - t0);
                    for (int b = 0; b < count; b++)
                    {
                        Gather(input.Slice((first + b) * steps + t0, tileSteps), tileI[b..], width);
                    }
                    bad |= Run(constants, ref MemoryMarshal.GetReference(tileI), ref MemoryMarshal.GetReference(tileV),
                        ref record ? ref MemoryMarshal.GetReference(tileR) : ref Unsafe.NullRef<double>(),
                        width, v[..width], u[..width], tileSteps);
                    for (int b = 0; b < count; b++)
                    {
                        Scatter(tileV[b..], width, output.Slice((first + b) * steps + t0, tileSteps));
                        if (record)
                        {
                            Scatter(tileR[b..], width, outputR.Slice((first + b) * steps + t0, tileSteps));
                        }
                    }
                }
                diverged[block] = bad;
                return scratch;
            },
            _ => { });
        return FindDivergences(options, diverged, TileTraces, traceCount, steps,
            (trace, buffer) => currents.Span.Slice(trace * steps, steps).CopyTo(buffer));
    }

    /// <summary>Writes a contiguous row into a tile column: <c>tile[s × stride] = row[s]</c>.</summary>
    private static void Gather(ReadOnlySpan<double> row, Span<double> tile, int stride)
    {
        if ((row.Length - 1) * (long)stride >= tile.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(tile));
        }
        ref double source = ref MemoryMarshal.GetReference(row);
        ref double destination = ref MemoryMarshal.GetReference(tile);
        for (int s = 0; s < row.Length; s++)
        {
            Unsafe.Add(ref destination, s * stride) = Unsafe.Add(ref source, s);
        }
    }

    /// <summary>Reads a tile column into a contiguous row: <c>row[s] = tile[s × stride]</c>.</summary>
    private static void Scatter(ReadOnlySpan<double> tile, int stride, Span<double> row)
    {
        if ((row.Length - 1) * (long)stride >= tile.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(tile));
        }
        ref double source = ref MemoryMarshal.GetReference(tile);
        ref double destination = ref MemoryMarshal.GetReference(row);
        for (int s = 0; s < row.Length; s++)
        {
            Unsafe.Add(ref destination, s) = Unsafe.Add(ref source, s * stride);
        }
    }

    /// <summary>Runs <paramref name="steps"/> steps of <c>v.Length</c> traces whose rows are <paramref name="stride"/> apart.</summary>
    /// <returns>Whether any trace's state was not finite at some step.</returns>
    private static bool Run(in KernelConstants k, ref double currents, ref double voltages, ref double recovery, int stride,
        Span<double> v, Span<double> u, int steps)
    {
        if (Lanes512.IsAccelerated)
        {
            return Run<Lanes512>(k, ref currents, ref voltages, ref recovery, stride, v, u, steps);
        }
        return Lanes256.IsAccelerated
            ? Run<Lanes256>(k, ref currents, ref voltages, ref recovery, stride, v, u, steps)
            : Run<LanesScalar>(k, ref currents, ref voltages, ref recovery, stride, v, u, steps);
    }

    private static bool Run<TL>(in KernelConstants k, ref double currents, ref double voltages, ref double recovery, int stride,
        Span<double> v, Span<double> u, int steps) where TL : struct, ISimdLanes<TL>
    {
        int width = v.Length;
        int vectorWidth = width - width % TL.Count;
        bool bad = false;
        if (vectorWidth > 0)
        {
            bad = Steps<TL>(k, ref currents, ref voltages, ref recovery, stride, v[..vectorWidth], u[..vectorWidth], steps);
        }
        if (vectorWidth < width)
        {
            nuint offset = (nuint)vectorWidth;
            bad |= Steps<LanesScalar>(k, ref Unsafe.Add(ref currents, offset), ref Unsafe.Add(ref voltages, offset),
                ref Unsafe.IsNullRef(ref recovery) ? ref recovery : ref Unsafe.Add(ref recovery, offset),
                stride, v[vectorWidth..], u[vectorWidth..], steps);
        }
        return bad;
    }

    /// <summary>The kernel: the reference step of <see cref="IzhikevichReferenceSimulator"/>, lane-parallel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Steps<TL>(in KernelConstants k, ref double currents, ref double voltages, ref double recovery, int stride,
        Span<double> vState, Span<double> uState, int steps) where TL : struct, ISimdLanes<TL>
    {
        var peak = TL.Create(IzhikevichModel.PeakMv);
        var quadratic = TL.Create(IzhikevichModel.QuadraticCoefficient);
        var linear = TL.Create(IzhikevichModel.LinearCoefficient);
        var constant = TL.Create(IzhikevichModel.ConstantTerm);
        var a = TL.Create(k.A);
        var b = TL.Create(k.B);
        var c = TL.Create(k.C);
        var d = TL.Create(k.D);
        var dt = TL.Create(k.Dt);
        var halfDt = TL.Create(k.HalfDt);
        bool halfStep = k.HalfStep;
        bool record = !Unsafe.IsNullRef(ref recovery);
        var nanSum = TL.Create(0);
        ref double vs = ref MemoryMarshal.GetReference(vState);
        ref double us = ref MemoryMarshal.GetReference(uState);
        nuint width = (nuint)vState.Length;
        nuint count = (nuint)TL.Count;

        for (int t = 0; t < steps; t++)
        {
            nuint row = (nuint)t * (nuint)stride;
            ref double iRow = ref Unsafe.Add(ref currents, row);
            ref double vRow = ref Unsafe.Add(ref voltages, row);
            for (nuint j = 0; j < width; j += count)
            {
                var vj = TL.Load(ref vs, j);
                var uj = TL.Load(ref us, j);
                var current = TL.Load(ref iRow, j);
                var sum = vj + uj;
                nanSum = nanSum + (sum - sum); // NaN sticks exactly where v + u is not finite, as the reference checks.
                var spike = TL.GreaterThanOrEqual(vj, peak);
                TL.Store(TL.Select(spike, peak, vj), ref vRow, j);
                if (record)
                {
                    TL.Store(uj, ref Unsafe.Add(ref recovery, row), j);
                }
                TL vNext, uNext;
                if (halfStep)
                {
                    var v1 = vj + halfDt * (quadratic * vj * vj + linear * vj + constant - uj + current);
                    vNext = v1 + halfDt * (quadratic * v1 * v1 + linear * v1 + constant - uj + current);
                    uNext = uj + dt * (a * (b * vNext - uj));
                }
                else
                {
                    var dv = quadratic * vj * vj + linear * vj + constant - uj + current;
                    var du = a * (b * vj - uj);
                    vNext = vj + dt * dv;
                    uNext = uj + dt * du;
                }
                TL.Store(TL.Select(spike, c, vNext), ref vs, j);
                TL.Store(TL.Select(spike, uj + d, uNext), ref us, j);
            }
        }
        return TL.AnyNaN(nanSum);
    }

    private static List<TraceDivergence> FindDivergences(IzhikevichSimulationOptions options, bool[] diverged,
        int blockTraces, int traceCount, int steps, Action<int, double[]> gatherCurrents)
    {
        List<TraceDivergence>? result = null;
        for (int block = 0; block < diverged.Length; block++)
        {
            if (!diverged[block])
            {
                continue;
            }
            var currents = new double[steps];
            var voltages = new double[steps];
            for (int trace = block * blockTraces; trace < Math.Min(traceCount, (block + 1) * blockTraces); trace++)
            {
                gatherCurrents(trace, currents);
                int step = IzhikevichReferenceSimulator.Simulate(options, currents, voltages);
                if (step >= 0)
                {
                    (result ??= []).Add(new TraceDivergence(trace, step));
                }
            }
        }
        return result ?? [];
    }

    private static int CheckShapes(IzhikevichSimulationOptions options, int currents, int voltages, int recovery, int traceCount)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(traceCount);
        if (currents % traceCount != 0)
        {
            throw new ArgumentException($"{currents} currents do not divide into {traceCount} traces", nameof(currents));
        }
        if (voltages != currents)
        {
            throw new ArgumentException($"voltage buffer holds {voltages} values, currents {currents}", nameof(voltages));
        }
        if (recovery != 0 && recovery != currents)
        {
            throw new ArgumentException($"recovery buffer holds {recovery} values, currents {currents}", nameof(recovery));
        }
        return currents / traceCount;
    }

    private static ParallelOptions ParallelOptionsFor(int maxDegreeOfParallelism) =>
        new() { MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount };

    private readonly struct KernelConstants(IzhikevichSimulationOptions options)
    {
        public readonly double A = options.Parameters.A, B = options.Parameters.B, C = options.Parameters.C, D = options.Parameters.D;
        public readonly double Dt = options.TimeStepMs, HalfDt = 0.5 * options.TimeStepMs;
        public readonly bool HalfStep = options.Integrator == IzhikevichIntegrator.HalfStep;
    }
}

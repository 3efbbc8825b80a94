using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuronSurrogate.Simulation;

/// <summary>
/// The Hodgkin–Huxley fast path: eight traces per 512-bit vector (emulated with two 256-bit halves where the
/// hardware has no AVX-512), blocks of eight traces in parallel, the state in registers for the whole trace, no
/// allocation per step. Same scheme, operations and order as <see cref="HodgkinHuxleyReferenceSimulator"/>, and the
/// same exponential (<see cref="PortableExp"/>), so the two agree bit for bit (tested).
/// </summary>
public static class HodgkinHuxleyBatchSimulator
{
    private const int Lanes = 8;

    /// <summary>Simulates <paramref name="traceCount"/> traces stored trace-major, <c>[traceCount, steps]</c>.</summary>
    /// <param name="options">The neuron and integrator.</param>
    /// <param name="recordingStepMs">The traces' dt in ms.</param>
    /// <param name="currentsNa">The injected currents, nA.</param>
    /// <param name="voltagesMv">Receives the recorded voltages, same layout.</param>
    /// <param name="traceCount">The number of traces.</param>
    /// <param name="maxDegreeOfParallelism">Threads; 0 or less for all cores.</param>
    /// <returns>The traces that stopped being finite, with their first non-finite recorded step.</returns>
    public static IReadOnlyList<TraceDivergence> SimulateTraceMajor(HodgkinHuxleySimulationOptions options, double recordingStepMs,
        ReadOnlyMemory<double> currentsNa, Memory<double> voltagesMv, int traceCount, int maxDegreeOfParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(traceCount);
        if (currentsNa.Length != voltagesMv.Length || (traceCount == 0 ? currentsNa.Length != 0 : currentsNa.Length % traceCount != 0))
        {
            throw new ArgumentException($"currents ({currentsNa.Length}) and voltages ({voltagesMv.Length}) must both hold {traceCount} traces of equal length");
        }
        if (traceCount == 0)
        {
            return [];
        }
        int steps = currentsNa.Length / traceCount;
        var kernel = new Kernel(options, recordingStepMs);
        int blocks = (traceCount + Lanes - 1) / Lanes;
        var divergences = new TraceDivergence?[traceCount];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount };
        Parallel.For(0, blocks, parallel, block =>
        {
            int first = block * Lanes;
            int count = Math.Min(Lanes, traceCount - first);
            kernel.Run(currentsNa.Span, voltagesMv.Span, first, count, steps);
            for (int l = 0; l < count; l++)
            {
                var trace = voltagesMv.Span.Slice((first + l) * steps, steps);
                for (int k = 0; k < steps; k++)
                {
                    if (!double.IsFinite(trace[k]))
                    {
                        divergences[first + l] = new TraceDivergence(first + l, k);
                        break;
                    }
                }
            }
        });
        return [.. divergences.Where(d => d is not null).Select(d => d!.Value)];
    }

    /// <summary>The constants of one simulation and the vector kernel over one block of traces.</summary>
    private sealed class Kernel
    {
        private readonly HodgkinHuxleyParameters _p;
        private readonly bool _neuron;
        private readonly int _substeps;
        private readonly double _dt;
        private readonly double _initialV;
        private readonly double[][] _tables;
        private readonly HodgkinHuxleyRates _rates;

        public Kernel(HodgkinHuxleySimulationOptions options, double recordingStepMs)
        {
            _p = options.Parameters;
            _neuron = options.Integrator == HodgkinHuxleyIntegrator.Neuron;
            _substeps = options.SubstepsFor(recordingStepMs);
            _dt = recordingStepMs / _substeps;
            _initialV = options.InitialVoltageMv;
            _rates = new HodgkinHuxleyRates(_p.Q10Factor);
            var t = _rates.Tables;
            // One padding entry equal to the last, so the end of the range interpolates to it exactly (θ = 0).
            _tables = [.. new[] { t.MInf, t.MTau, t.HInf, t.HTau, t.NInf, t.NTau }.Select(a => (double[])[.. a, a[^1]])];
        }

        // Fully optimized at once: a call may be the only one (one simulate of a few traces), too few for tiered compilation.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(ReadOnlySpan<double> currents, Span<double> voltages, int first, int count, int steps)
        {
            var g0 = _neuron ? _rates.Table(_initialV) : _rates.Exact(_initialV);
            var v = Vector512.Create(_initialV);
            var m = Vector512.Create(g0.MInf);
            var h = Vector512.Create(g0.HInf);
            var n = Vector512.Create(g0.NInf);
            var density = Vector512.Create(_p.DensityPerNanoampere);
            Span<double> lane = stackalloc double[Lanes];
            for (int k = 0; k < steps; k++)
            {
                v.CopyTo(lane);
                for (int l = 0; l < count; l++)
                {
                    voltages[(first + l) * steps + k] = lane[l];
                }
                lane.Clear();
                for (int l = 0; l < count; l++)
                {
                    lane[l] = currents[(first + l) * steps + k];
                }
                var stimulus = Vector512.Create<double>(lane) * density;
                for (int s = 0; s < _substeps; s++)
                {
                    if (_neuron)
                    {
                        NeuronStep(stimulus, ref v, ref m, ref h, ref n);
                    }
                    else
                    {
                        RungeKuttaStep(stimulus, ref v, ref m, ref h, ref n);
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector512<double> Current(Vector512<double> v, Vector512<double> gna, Vector512<double> gk) =>
            gna * (v - Vector512.Create(_p.SodiumReversalMv)) + gk * (v - Vector512.Create(_p.PotassiumReversalMv))
            + Vector512.Create(_p.LeakConductance) * (v - Vector512.Create(_p.LeakReversalMv));

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void NeuronStep(Vector512<double> stimulus, ref Vector512<double> v, ref Vector512<double> m, ref Vector512<double> h, ref Vector512<double> n)
        {
            var gna = Vector512.Create(_p.SodiumConductance) * m * m * m * h;
            var gk = Vector512.Create(_p.PotassiumConductance) * n * n * n * n;
            var current = Current(v, gna, gk);
            var diagonal = Vector512.Create(0.001 * _p.CapacitanceUfPerCm2 / _dt) + (gna + gk + Vector512.Create(_p.LeakConductance));
            v += (stimulus - current) / diagonal;

            // NEURON's table lookup (HodgkinHuxleyRates.Table), lane by lane for the index.
            var xi = Vector512.Create(HodgkinHuxleyRates.TableIntervals / (HodgkinHuxleyRates.TableMaxMv - HodgkinHuxleyRates.TableMinMv))
                * (v - Vector512.Create(HodgkinHuxleyRates.TableMinMv));
            var below = Vector512.LessThanOrEqual(xi, Vector512<double>.Zero) | ~Vector512.Equals(xi, xi);
            var above = Vector512.GreaterThanOrEqual(xi, Vector512.Create((double)HodgkinHuxleyRates.TableIntervals));
            var index = Vector512.ConditionalSelect(below, Vector512<double>.Zero,
                Vector512.ConditionalSelect(above, Vector512.Create((double)HodgkinHuxleyRates.TableIntervals), Vector512.Truncate(xi)));
            var theta = Vector512.ConditionalSelect(below & Vector512.Equals(xi, xi) | above, Vector512<double>.Zero, xi - index);
            Span<int> at = stackalloc int[Lanes];
            for (int l = 0; l < Lanes; l++)
            {
                at[l] = (int)index.GetElement(l);
            }
            var dt = Vector512.Create(_dt);
            m = Cnexp(m, Lookup(_tables[0], at, theta), Lookup(_tables[1], at, theta), dt);
            h = Cnexp(h, Lookup(_tables[2], at, theta), Lookup(_tables[3], at, theta), dt);
            n = Cnexp(n, Lookup(_tables[4], at, theta), Lookup(_tables[5], at, theta), dt);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<double> Lookup(double[] table, ReadOnlySpan<int> at, Vector512<double> theta)
        {
            var low = Vector512.Create(table[at[0]], table[at[1]], table[at[2]], table[at[3]], table[at[4]], table[at[5]], table[at[6]], table[at[7]]);
            var high = Vector512.Create(table[at[0] + 1], table[at[1] + 1], table[at[2] + 1], table[at[3] + 1], table[at[4] + 1], table[at[5] + 1], table[at[6] + 1], table[at[7] + 1]);
            return low + theta * (high - low);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<double> Cnexp(Vector512<double> x, Vector512<double> inf, Vector512<double> tau, Vector512<double> dt) =>
            x + (Vector512<double>.One - PortableExp.Exp(-dt / tau)) * (inf - x);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RungeKuttaStep(Vector512<double> stimulus, ref Vector512<double> v, ref Vector512<double> m, ref Vector512<double> h, ref Vector512<double> n)
        {
            var half = Vector512.Create(0.5 * _dt);
            var dt = Vector512.Create(_dt);
            var sixth = Vector512.Create(_dt / 6);
            var two = Vector512.Create(2.0);
            var (v1, m1, h1, n1) = Derivative(stimulus, v, m, h, n);
            var (v2, m2, h2, n2) = Derivative(stimulus, v + half * v1, m + half * m1, h + half * h1, n + half * n1);
            var (v3, m3, h3, n3) = Derivative(stimulus, v + half * v2, m + half * m2, h + half * h2, n + half * n2);
            var (v4, m4, h4, n4) = Derivative(stimulus, v + dt * v3, m + dt * m3, h + dt * h3, n + dt * n3);
            v += sixth * (v1 + two * v2 + two * v3 + v4);
            m += sixth * (m1 + two * m2 + two * m3 + m4);
            h += sixth * (h1 + two * h2 + two * h3 + h4);
            n += sixth * (n1 + two * n2 + two * n3 + n4);
        }

        private (Vector512<double> V, Vector512<double> M, Vector512<double> H, Vector512<double> N) Derivative(
            Vector512<double> stimulus, Vector512<double> v, Vector512<double> m, Vector512<double> h, Vector512<double> n)
        {
            var gna = Vector512.Create(_p.SodiumConductance) * m * m * m * h;
            var gk = Vector512.Create(_p.PotassiumConductance) * n * n * n * n;
            var dv = Vector512.Create(1000.0) * (stimulus - Current(v, gna, gk)) / Vector512.Create(_p.CapacitanceUfPerCm2);
            var q10 = Vector512.Create(_p.Q10Factor);
            // hh.mod's rates, as HodgkinHuxleyRates.Exact.
            var alpha = Vector512.Create(0.1) * VTrap(-(v + Vector512.Create(40.0)), Vector512.Create(10.0));
            var beta = Vector512.Create(4.0) * PortableExp.Exp(-(v + Vector512.Create(65.0)) / Vector512.Create(18.0));
            var sum = alpha + beta;
            var dm = (alpha / sum - m) / (Vector512<double>.One / (q10 * sum));
            alpha = Vector512.Create(0.07) * PortableExp.Exp(-(v + Vector512.Create(65.0)) / Vector512.Create(20.0));
            beta = Vector512<double>.One / (PortableExp.Exp(-(v + Vector512.Create(35.0)) / Vector512.Create(10.0)) + Vector512<double>.One);
            sum = alpha + beta;
            var dh = (alpha / sum - h) / (Vector512<double>.One / (q10 * sum));
            alpha = Vector512.Create(0.01) * VTrap(-(v + Vector512.Create(55.0)), Vector512.Create(10.0));
            beta = Vector512.Create(0.125) * PortableExp.Exp(-(v + Vector512.Create(65.0)) / Vector512.Create(80.0));
            sum = alpha + beta;
            var dn = (alpha / sum - n) / (Vector512<double>.One / (q10 * sum));
            return (dv, dm, dh, dn);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<double> VTrap(Vector512<double> x, Vector512<double> y)
        {
            var ratio = x / y;
            var near = Vector512.LessThan(Vector512.Abs(ratio), Vector512.Create(1e-6));
            return Vector512.ConditionalSelect(near, y * (Vector512<double>.One - ratio / Vector512.Create(2.0)), x / (PortableExp.Exp(ratio) - Vector512<double>.One));
        }
    }
}

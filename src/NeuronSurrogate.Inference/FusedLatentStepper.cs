using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Inference;

/// <summary>
/// The latent surrogate's step as one fused pass per trace, in managed code: the memory update, every dense layer,
/// SiLU, the spike readout, the structural rule and the fold of the k voltages into the memory, with the trace's
/// activations in registers and the weights (about 20 KB) in the L1 cache. It reads the same graph as ONNX Runtime
/// (<see cref="LatentWeights"/>) and computes what the graph computes, operation for operation, in float32.
/// </summary>
/// <remarks>
/// <para>Each dense layer is a matrix-vector product with SIMD over the layer's outputs: for each input, its value
/// broadcast times a row of the transposed weights, accumulated with fused multiply-adds in eight 256-bit registers;
/// the last layer (k + 1 outputs) is a dot product per output. Traces are independent, so a batch runs its traces in
/// parallel over the cores; one trace is the matrix-vector path itself.</para>
/// <para>Every sum runs in a fixed order and SiLU's exponential is a fixed polynomial (<see cref="Exp(Vector256{float})"/>), so the bits
/// do not depend on the processor for finite values: 256-bit vectors and fused multiply-adds on any x86-64 machine with
/// AVX2, the same arithmetic element for element on others (a NaN, from a trace that has already diverged, may come out
/// differently: the clamp and the conversion in Exp are the processor's own instructions).</para>
/// <para>Advance, Step, Begin, Finish, SiLU and the dense kernels are compiled fully optimized on their first call (no
/// tier-0 code), and SiLU512 and its Exp are inlined into Advance: one trace, or a small file, pays no unoptimized steps
/// before tiered compilation catches up (measured on pyramid_latent_k5, single thread: the first 2000 steps of one row
/// 480 → 360 ns each, of blocks of 16 rows 520–850 → 320 ns per row; later ones 345 → 300 and 215 ns). SiLU512 compiled
/// on its own with the same attribute made the four-row path 40 % slower, so it is inlined instead.</para>
/// <para>Ownership: holds managed arrays and per-thread scratch only; safe to call from several threads at once.</para>
/// </remarks>
public sealed class FusedLatentStepper : IRowwiseLatentStepper, IDisposable
{
    private const int Lanes = 8;
    private readonly LatentWeights _w;
    private readonly int _inputs, _outputs;
    private readonly ThreadLocal<Scratch> _scratch;
    private readonly bool _fourRows;

    /// <summary>Rows one pass of <see cref="DenseFour"/> computes.</summary>
    private const int Group = 4;

    /// <summary>The engine for a one-step graph and its spec.</summary>
    /// <exception cref="InputException">The graph is not a latent one-step graph this engine knows, or does not match the spec.</exception>
    public FusedLatentStepper(string modelPath, LatentSpec spec)
    {
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        _w = LatentWeights.Read(modelPath, spec);
        _inputs = spec.NetworkInputs;
        _outputs = spec.NetworkOutputs;
        _scratch = new ThreadLocal<Scratch>(() => new Scratch(_w));
        _fourRows = Vector512.IsHardwareAccelerated && _w.Layers.All(l => l.OutputsPadded % 64 == 0);
    }

    public LatentSpec Spec { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Advance(ReadOnlySpan<float> currents, Span<float> state, Span<float> voltagesMv, Span<float> spikeProbability, int rows)
    {
        int size = Spec.StateSize, perStep = Spec.CurrentsPerStep, k = Spec.StepFactor;
        var scratch = _scratch.Value!;
        int r = 0;
        if (_fourRows)
        {
            // Four traces share each load of the weights: 16 accumulators of 512 bits (the same sums, element for element).
            for (; r + Group <= rows; r += Group)
            {
                for (int i = 0; i < Group; i++)
                {
                    Begin(currents.Slice((r + i) * perStep, perStep), state.Slice((r + i) * size, size), scratch.Features[i]);
                }
                for (int l = 0; l < _w.Layers.Length; l++)
                {
                    var layer = _w.Layers[l];
                    int n = l == 0 ? _inputs : _w.Layers[l - 1].Outputs;
                    var inputs = l == 0 ? scratch.Features : scratch.Hidden[l - 1];
                    DenseFour(layer, inputs, n, scratch.Hidden[l]);
                    for (int i = 0; i < Group; i++)
                    {
                        SiLU512(scratch.Hidden[l][i]);
                    }
                }
                for (int i = 0; i < Group; i++)
                {
                    spikeProbability[r + i] = Finish(state.Slice((r + i) * size, size), voltagesMv.Slice((r + i) * k, k), scratch.Hidden[^1][i], scratch);
                }
            }
        }
        for (; r < rows; r++)
        {
            spikeProbability[r] = Step(currents.Slice(r * perStep, perStep), state.Slice(r * size, size), voltagesMv.Slice(r * k, k), scratch);
        }
    }

    public void Dispose() => _scratch.Dispose();

    /// <summary>Per-thread activations of up to <see cref="Group"/> rows.</summary>
    private sealed class Scratch(LatentWeights w)
    {
        public readonly float[][] Features = [.. Enumerable.Range(0, Group).Select(_ => new float[w.InputsPadded])];
        public readonly float[][][] Hidden = [.. w.Layers.Select(l => Enumerable.Range(0, Group).Select(_ => new float[l.OutputsPadded]).ToArray())];
        public readonly float[] Output = new float[w.Last.Outputs];
        public readonly float[] Flags = new float[w.Last.Outputs];
    }

    /// <summary>One step of one trace; returns the spike probability.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float Step(ReadOnlySpan<float> currents, Span<float> state, Span<float> voltagesMv, Scratch scratch)
    {
        var x = scratch.Features[0];
        Begin(currents, state, x);
        // Hidden layers: SiLU(W x + b), SIMD over the outputs.
        ReadOnlySpan<float> input = x.AsSpan(0, _inputs);
        float[] hidden = x;
        for (int l = 0; l < _w.Layers.Length; l++)
        {
            var layer = _w.Layers[l];
            hidden = scratch.Hidden[l][0];
            Dense(layer, input, hidden);
            SiLU(hidden);
            input = hidden.AsSpan(0, layer.Outputs);
        }
        return Finish(state, voltagesMv, hidden, scratch);
    }

    /// <summary>The memory update and the network's features (the graph's Mul, Mul, Add, Sub, Concat).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Begin(ReadOnlySpan<float> currents, Span<float> state, float[] x)
    {
        var spec = Spec;
        int kv = spec.VoltageMemory, ks = spec.SpikeMemory;
        var memory = state.Slice(LatentSpec.MemoryOffset, kv);
        var counts = state.Slice(spec.SpikeMemoryOffset, ks);
        float v = state[LatentSpec.VoltageIndex], flag = state[LatentSpec.SpikeFlagIndex];
        // Memory: m ← m·a + V·(1 − a); counts c ← c·b + flag.
        x[0] = v;
        if (spec.IsSynaptic)
        {
            Synaptic(currents, state, x);
        }
        else
        {
            currents.CopyTo(x.AsSpan(1));
        }
        int m0 = 1 + spec.InputFeatures;
        // m·a + V·(1 − a) and c·b + flag as a multiply, a multiply and an add per element, eight at a time (the bits of
        // the same operations one element at a time).
        Decay(memory, _w.VoltageDecay, v, _w.VoltageGain, x.AsSpan(m0, kv), v);
        Decay(counts, _w.SpikeDecay, flag, null, x.AsSpan(m0 + kv, ks), 0);
    }

    /// <summary>
    /// values ← values·decay + drive·gain (or + drive without a gain), and features ← values − offset, element by element
    /// with one multiply, one multiply and one add each (no fused multiply-add), eight at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Decay(Span<float> values, float[] decay, float drive, float[]? gain, Span<float> features, float offset)
    {
        int n = values.Length, m = 0;
        ref float value = ref MemoryMarshal.GetReference(values);
        ref float feature = ref MemoryMarshal.GetReference(features);
        ref float a = ref MemoryMarshal.GetArrayDataReference(decay);
        var d = Vector256.Create(drive);
        var o = Vector256.Create(offset);
        for (; m + Lanes <= n; m += Lanes)
        {
            var scaled = Vector256.LoadUnsafe(ref value, (nuint)m) * Vector256.LoadUnsafe(ref a, (nuint)m);
            var updated = gain is null ? scaled + d : scaled + d * Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(gain), (nuint)m);
            updated.StoreUnsafe(ref value, (nuint)m);
            (updated - o).StoreUnsafe(ref feature, (nuint)m);
        }
        for (; m < n; m++)
        {
            values[m] = gain is null ? values[m] * decay[m] + drive : values[m] * decay[m] + drive * gain[m];
            features[m] = values[m] - offset;
        }
    }

    /// <summary>
    /// A synaptic model's front end (the graph's MatMul, Expand, Mul, Mul, Add): the drives u = Σ over the synapses with
    /// events of count × their row of Wᵀ (the work grows with the active synapses, not with all of them), then each
    /// channel's input traces y ← y·e + u·(1 − e); u and y become features 1 … R + R·M.
    /// </summary>
    private void Synaptic(ReadOnlySpan<float> counts, Span<float> state, float[] x)
    {
        var spec = Spec;
        int r = spec.InputChannels, taus = spec.InputTimeConstantsMs.Count;
        var drive = x.AsSpan(1, r);
        drive.Clear();
        var projection = _w.InputProjection!;
        for (int s = 0; s < counts.Length; s++)
        {
            float c = counts[s];
            if (c != 0)
            {
                var row = projection.AsSpan(s * r, r);
                for (int j = 0; j < r; j++)
                {
                    drive[j] += c * row[j];
                }
            }
        }
        var traces = state.Slice(spec.InputMemoryOffset, spec.InputMemory);
        for (int j = 0, i = 0; j < r; j++)
        {
            for (int m = 0; m < taus; m++, i++)
            {
                traces[i] = traces[i] * _w.InputDecay![i] + drive[j] * _w.InputGain![i];
                x[1 + r + i] = traces[i];
            }
        }
    }

    /// <summary>The last layer, the readout, the rule, the crossings and the fold, from the last hidden activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float Finish(Span<float> state, Span<float> voltagesMv, float[] hidden, Scratch scratch)
    {
        var spec = Spec;
        int k = spec.StepFactor, kv = spec.VoltageMemory, ks = spec.SpikeMemory;
        var memory = state.Slice(LatentSpec.MemoryOffset, kv);
        var counts = state.Slice(spec.SpikeMemoryOffset, ks);
        float v = state[LatentSpec.VoltageIndex], peak = state[LatentSpec.PeakFlagIndex];
        // The last layer reads the whole padded activation (the padded units are 0).
        var o = scratch.Output;
        int padded = _w.Last.InputsPadded;
        for (int j = 0; j < _outputs; j++)
        {
            o[j] = Dot(_w.Last.Weights.AsSpan(j * padded, padded), hidden.AsSpan(0, padded)) + _w.Last.Bias[j];
        }
        float probability = 1f / (1f + Exp(Vector256.Create(-o[k])).GetElement(0));

        // The voltages, the rule, the crossings (the graph's Add, Where, GreaterOrEqual, Less, And).
        float threshold = _w.ThresholdMv;
        var rule = _w.StructuralRule;
        float previous = v, lastFlag = 0;
        bool afterPeak = peak > 0.5f;
        Span<float> flags = scratch.Flags;
        for (int j = 0; j < k; j++)
        {
            float vj = o[j] + v;
            if (rule is { } r)
            {
                bool atPeak = vj >= r.PeakMv;
                vj = afterPeak ? r.ResetMv : atPeak ? r.PeakMv : vj;
                afterPeak = atPeak && !afterPeak;
            }
            voltagesMv[j] = vj;
            flags[j] = previous < threshold && vj >= threshold ? 1 : 0;
            lastFlag = flags[j];
            previous = vj;
        }
        if (k > 1)
        {
            // The fold of the first k − 1 voltages and flags into the memory (the graph's Mul, MatMul, Add).
            Fold(memory, _w.VoltageSpan!, voltagesMv[..(k - 1)], _w.VoltageFold!);
            Fold(counts, _w.SpikeSpan!, flags[..(k - 1)], _w.SpikeFold!);
        }
        state[LatentSpec.VoltageIndex] = voltagesMv[k - 1];
        state[LatentSpec.SpikeFlagIndex] = lastFlag;
        // Without a rule and with k = 1 the graph passes the peak flag through; otherwise it is the rule's.
        state[LatentSpec.PeakFlagIndex] = rule is null && k == 1 ? peak : afterPeak ? 1 : 0;
        return probability;
    }

    /// <summary>
    /// values ← values·span + Σⱼ inputs[j]·fold[j, ·], the sum from j = 0 with a multiply and an add per term (no fused
    /// multiply-add), eight elements at a time (the bits of the same operations one element at a time).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fold(Span<float> values, float[] span, ReadOnlySpan<float> inputs, float[] fold)
    {
        int n = values.Length, m = 0;
        ref float value = ref MemoryMarshal.GetReference(values);
        ref float s = ref MemoryMarshal.GetArrayDataReference(span);
        ref float f = ref MemoryMarshal.GetArrayDataReference(fold);
        for (; m + Lanes <= n; m += Lanes)
        {
            var folded = Vector256<float>.Zero;
            for (int j = 0; j < inputs.Length; j++)
            {
                folded += Vector256.Create(inputs[j]) * Vector256.LoadUnsafe(ref f, (nuint)(j * n + m));
            }
            (Vector256.LoadUnsafe(ref value, (nuint)m) * Vector256.LoadUnsafe(ref s, (nuint)m) + folded).StoreUnsafe(ref value, (nuint)m);
        }
        for (; m < n; m++)
        {
            float folded = 0;
            for (int j = 0; j < inputs.Length; j++)
            {
                folded += inputs[j] * fold[j * n + m];
            }
            values[m] = values[m] * span[m] + folded;
        }
    }

    /// <summary>output = W x + b for the layer's (padded) outputs: eight 256-bit accumulators per 64 outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dense(LatentWeights.Layer layer, ReadOnlySpan<float> x, float[] output)
    {
        int width = layer.OutputsPadded, n = x.Length;
        ref float w = ref layer.Transposed[0];
        ref float b = ref layer.Bias[0];
        ref float y = ref output[0];
        int chunk = 0;
        for (; chunk + 8 * Lanes <= width; chunk += 8 * Lanes)
        {
            var a0 = Vector256.LoadUnsafe(ref b, (nuint)chunk);
            var a1 = Vector256.LoadUnsafe(ref b, (nuint)(chunk + Lanes));
            var a2 = Vector256.LoadUnsafe(ref b, (nuint)(chunk + 2 * Lanes));
            var a3 = Vector256.LoadUnsafe(ref b, (nuint)(chunk + 3 * Lanes));
            var a4 = Vector256.LoadUnsafe(ref b, (nuint)(chunk + 4 * Lanes));
            var a5 = Vector256.LoadUnsafe(ref b, (nuint)(chunk + 5 * Lanes));
            var a6 = Vector256.LoadUnsafe(ref b, (nuint)(chunk + 6 * Lanes));
            var a7 = Vector256.LoadUnsafe(ref b, (nuint)(chunk + 7 * Lanes));
            for (int f = 0; f < n; f++)
            {
                var xf = Vector256.Create(x[f]);
                nuint row = (nuint)(f * width + chunk);
                a0 = Vector256.FusedMultiplyAdd(xf, Vector256.LoadUnsafe(ref w, row), a0);
                a1 = Vector256.FusedMultiplyAdd(xf, Vector256.LoadUnsafe(ref w, row + Lanes), a1);
                a2 = Vector256.FusedMultiplyAdd(xf, Vector256.LoadUnsafe(ref w, row + 2 * Lanes), a2);
                a3 = Vector256.FusedMultiplyAdd(xf, Vector256.LoadUnsafe(ref w, row + 3 * Lanes), a3);
                a4 = Vector256.FusedMultiplyAdd(xf, Vector256.LoadUnsafe(ref w, row + 4 * Lanes), a4);
                a5 = Vector256.FusedMultiplyAdd(xf, Vector256.LoadUnsafe(ref w, row + 5 * Lanes), a5);
                a6 = Vector256.FusedMultiplyAdd(xf, Vector256.LoadUnsafe(ref w, row + 6 * Lanes), a6);
                a7 = Vector256.FusedMultiplyAdd(xf, Vector256.LoadUnsafe(ref w, row + 7 * Lanes), a7);
            }
            a0.StoreUnsafe(ref y, (nuint)chunk);
            a1.StoreUnsafe(ref y, (nuint)(chunk + Lanes));
            a2.StoreUnsafe(ref y, (nuint)(chunk + 2 * Lanes));
            a3.StoreUnsafe(ref y, (nuint)(chunk + 3 * Lanes));
            a4.StoreUnsafe(ref y, (nuint)(chunk + 4 * Lanes));
            a5.StoreUnsafe(ref y, (nuint)(chunk + 5 * Lanes));
            a6.StoreUnsafe(ref y, (nuint)(chunk + 6 * Lanes));
            a7.StoreUnsafe(ref y, (nuint)(chunk + 7 * Lanes));
        }
        for (; chunk < width; chunk += Lanes)
        {
            var a = Vector256.LoadUnsafe(ref b, (nuint)chunk);
            for (int f = 0; f < n; f++)
            {
                a = Vector256.FusedMultiplyAdd(Vector256.Create(x[f]), Vector256.LoadUnsafe(ref w, (nuint)(f * width + chunk)), a);
            }
            a.StoreUnsafe(ref y, (nuint)chunk);
        }
    }

    /// <summary>
    /// <see cref="Dense"/> for four rows at once with 512-bit vectors: per 64 outputs, four accumulators per row, each
    /// weight vector loaded once for the four rows. Each output's sum is the same chain of fused multiply-adds over the
    /// inputs in order as in <see cref="Dense"/>, so the bits are the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseFour(LatentWeights.Layer layer, float[][] inputs, int n, float[][] output)
    {
        int width = layer.OutputsPadded;
        ref float w = ref layer.Transposed[0];
        ref float b = ref layer.Bias[0];
        float[] x0 = inputs[0], x1 = inputs[1], x2 = inputs[2], x3 = inputs[3];
        for (int chunk = 0; chunk < width; chunk += 64)
        {
            var bias0 = Vector512.LoadUnsafe(ref b, (nuint)chunk);
            var bias1 = Vector512.LoadUnsafe(ref b, (nuint)(chunk + 16));
            var bias2 = Vector512.LoadUnsafe(ref b, (nuint)(chunk + 32));
            var bias3 = Vector512.LoadUnsafe(ref b, (nuint)(chunk + 48));
            Vector512<float> a00 = bias0, a01 = bias1, a02 = bias2, a03 = bias3;
            Vector512<float> a10 = bias0, a11 = bias1, a12 = bias2, a13 = bias3;
            Vector512<float> a20 = bias0, a21 = bias1, a22 = bias2, a23 = bias3;
            Vector512<float> a30 = bias0, a31 = bias1, a32 = bias2, a33 = bias3;
            for (int f = 0; f < n; f++)
            {
                nuint row = (nuint)(f * width + chunk);
                var w0 = Vector512.LoadUnsafe(ref w, row);
                var w1 = Vector512.LoadUnsafe(ref w, row + 16);
                var w2 = Vector512.LoadUnsafe(ref w, row + 32);
                var w3 = Vector512.LoadUnsafe(ref w, row + 48);
                var x = Vector512.Create(x0[f]);
                a00 = Vector512.FusedMultiplyAdd(x, w0, a00);
                a01 = Vector512.FusedMultiplyAdd(x, w1, a01);
                a02 = Vector512.FusedMultiplyAdd(x, w2, a02);
                a03 = Vector512.FusedMultiplyAdd(x, w3, a03);
                x = Vector512.Create(x1[f]);
                a10 = Vector512.FusedMultiplyAdd(x, w0, a10);
                a11 = Vector512.FusedMultiplyAdd(x, w1, a11);
                a12 = Vector512.FusedMultiplyAdd(x, w2, a12);
                a13 = Vector512.FusedMultiplyAdd(x, w3, a13);
                x = Vector512.Create(x2[f]);
                a20 = Vector512.FusedMultiplyAdd(x, w0, a20);
                a21 = Vector512.FusedMultiplyAdd(x, w1, a21);
                a22 = Vector512.FusedMultiplyAdd(x, w2, a22);
                a23 = Vector512.FusedMultiplyAdd(x, w3, a23);
                x = Vector512.Create(x3[f]);
                a30 = Vector512.FusedMultiplyAdd(x, w0, a30);
                a31 = Vector512.FusedMultiplyAdd(x, w1, a31);
                a32 = Vector512.FusedMultiplyAdd(x, w2, a32);
                a33 = Vector512.FusedMultiplyAdd(x, w3, a33);
            }
            Store(output[0], chunk, a00, a01, a02, a03);
            Store(output[1], chunk, a10, a11, a12, a13);
            Store(output[2], chunk, a20, a21, a22, a23);
            Store(output[3], chunk, a30, a31, a32, a33);
        }

        static void Store(float[] y, int chunk, Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
        {
            ref float p = ref y[0];
            a.StoreUnsafe(ref p, (nuint)chunk);
            b.StoreUnsafe(ref p, (nuint)(chunk + 16));
            c.StoreUnsafe(ref p, (nuint)(chunk + 32));
            d.StoreUnsafe(ref p, (nuint)(chunk + 48));
        }
    }

    /// <summary>Σ w[i]·x[i] over a padded row: two accumulators of 256 bits, then a fixed pairwise sum of the lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(ReadOnlySpan<float> weights, ReadOnlySpan<float> x)
    {
        int padded = weights.Length;
        var s0 = Vector256<float>.Zero;
        var s1 = Vector256<float>.Zero;
        ref float w = ref Unsafe.AsRef(in weights[0]);
        ref float h = ref Unsafe.AsRef(in x[0]);
        int i = 0;
        for (; i + 2 * Lanes <= padded; i += 2 * Lanes)
        {
            s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)i), Vector256.LoadUnsafe(ref h, (nuint)i), s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(i + Lanes)), Vector256.LoadUnsafe(ref h, (nuint)(i + Lanes)), s1);
        }
        for (; i < padded; i += Lanes)
        {
            s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)i), Vector256.LoadUnsafe(ref h, (nuint)i), s0);
        }
        var s = s0 + s1;
        var quad = s.GetLower() + s.GetUpper();
        return (quad.GetElement(0) + quad.GetElement(2)) + (quad.GetElement(1) + quad.GetElement(3));
    }

    /// <summary>x · σ(x) in place, eight at a time (the width is padded to a multiple of eight).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SiLU(float[] values)
    {
        ref float p = ref values[0];
        var one = Vector256.Create(1f);
        for (int i = 0; i < values.Length; i += Lanes)
        {
            var x = Vector256.LoadUnsafe(ref p, (nuint)i);
            (x / (one + Exp(-x))).StoreUnsafe(ref p, (nuint)i);
        }
    }

    // The constants of Exp, shared by both widths so that they compute the same function: the clamp, log2 e, ln 2 in two
    // parts (ln2Hi exact in float for any n in range), and 1/k! for k = 6 … 0.
    private const float ExpLow = -87.3f, ExpHigh = 88f, Log2E = 1.44269504f, Ln2Hi = 0.693145752f, Ln2Lo = 1.42860677e-6f;
    private const float C6 = 1f / 720, C5 = 1f / 120, C4 = 1f / 24, C3 = 1f / 6, C2 = 0.5f, C1 = 1f, C0 = 1f;

    /// <summary><see cref="SiLU"/> sixteen at a time (the width a multiple of 64 here): the same operations element for element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SiLU512(float[] values)
    {
        ref float p = ref values[0];
        var one = Vector512.Create(1f);
        for (int i = 0; i < values.Length; i += 16)
        {
            var x = Vector512.LoadUnsafe(ref p, (nuint)i);
            (x / (one + Exp(-x))).StoreUnsafe(ref p, (nuint)i);
        }
    }

    /// <summary><see cref="Exp(Vector256{float})"/> on 512 bits: the same constants and operations element for element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.MinNative(Vector512.MaxNative(x, Vector512.Create(ExpLow)), Vector512.Create(ExpHigh));
        var n = Vector512.Round(x * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.Create(C6);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C5));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C0));
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32Native(n) + Vector512.Create(127), 23).AsSingle();
        return p * scale;
    }

    /// <summary>
    /// e^x for float32, element by element with a fixed sequence of IEEE operations (so any machine gives the same bits):
    /// x = n·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 split in two for an exact n·ln 2), e^r by a degree-6 Taylor–Horner
    /// polynomial (relative error below 2e-7 on that interval), and 2^n put into the exponent bits. Inputs are clamped to
    /// [−87.3, 88], where e^x and 2^n are normal floats; the clamp and the float-to-integer conversion are the processor's
    /// native instructions (the same on finite inputs everywhere, and fewer instructions than the NaN-exact forms).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.MinNative(Vector256.MaxNative(x, Vector256.Create(ExpLow)), Vector256.Create(ExpHigh));
        var n = Vector256.Round(x * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.Create(C6);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C0));
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();
        return p * scale;
    }
}

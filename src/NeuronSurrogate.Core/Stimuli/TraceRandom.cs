namespace NeuronSurrogate.Stimuli;

/// <summary>
/// A small, fast, seedable random stream (xoshiro256**, Blackman and Vigna 2018) whose state is derived from
/// (global seed, run, neuron) with SplitMix64, so every trace has its own stream: any subset of runs can be
/// regenerated alone, on any machine, in any order or thread, and matches the full run.
/// </summary>
/// <remarks>
/// The algorithm is written here rather than taken from <see cref="Random"/> so that the bytes of a dataset
/// depend on this file only, not on the runtime version.
/// </remarks>
public struct TraceRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpare;

    /// <summary>The stream of trace (<paramref name="run"/>, <paramref name="neuron"/>) of a dataset seeded with <paramref name="seed"/>.</summary>
    // Mix the coordinates one after the other, so (1, 2) and (2, 1) give unrelated streams.
    public TraceRandom(long seed, long run, long neuron)
        : this(Mix(Mix((ulong)seed, (ulong)run), (ulong)neuron))
    {
    }

    /// <summary>Stream <paramref name="stream"/> of trace (<paramref name="run"/>, <paramref name="neuron"/>): one per synapse of a synaptic input, say.</summary>
    public TraceRandom(long seed, long run, long neuron, long stream)
        : this(Mix(Mix(Mix(Mix((ulong)seed, (ulong)run), (ulong)neuron), (ulong)stream), 0x5359_4E41_5053_45UL))
    {
    }

    private TraceRandom(ulong x)
    {
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
        _spareNormal = 0;
        _hasSpare = false;
    }

    private static ulong Mix(ulong x, ulong coordinate) => SplitMix(ref x) ^ coordinate;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1), with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double NextDouble(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>A uniform integer in [0, <paramref name="count"/>).</summary>
    public int NextInt(int count) => (int)((NextUInt64() >> 33) * (ulong)count >> 31);

    /// <summary>A standard normal deviate (Box–Muller; the second value of each pair is kept for the next call).</summary>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }
        // 1 − U lies in (0, 1], so the logarithm is finite.
        double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - NextDouble()));
        double angle = 2.0 * Math.PI * NextDouble();
        _spareNormal = radius * Math.Sin(angle);
        _hasSpare = true;
        return radius * Math.Cos(angle);
    }

    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

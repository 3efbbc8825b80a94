using NeuronSurrogate.Rollout;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Benchmarks;

/// <summary>Input rows of a state-space model for timing it: plausible states drawn at random, laid out by <see cref="StateSpaceSpec"/>.</summary>
internal static class StateRows
{
    /// <summary>
    /// <paramref name="rows"/> rows with v in [−80, 25) mV and u in [−20, 5); the current of row r is <paramref name="current"/>(r),
    /// or a draw in [0, 25) when it is null.
    /// </summary>
    public static float[] Random(TraceRandom random, int rows, Func<int, float>? current = null)
    {
        const int width = StateSpaceSpec.InputWidth;
        var states = new float[rows * width];
        for (int r = 0; r < rows; r++)
        {
            double v = random.NextDouble(-80, 25);
            double u = random.NextDouble(-20, 5);
            float i = current?.Invoke(r) ?? (float)random.NextDouble(0, 25);
            StateSpaceSpec.WriteInput(states.AsSpan(r * width, width), v, u, i);
        }
        return states;
    }

    /// <summary>A buffer for the increments of <paramref name="rows"/> rows.</summary>
    public static float[] Increments(int rows) => new float[rows * StateSpaceSpec.OutputWidth];
}

using NeuronSurrogate.Features;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class FeatureSpecTest
{
    [TestMethod]
    public void FeatureSpecTest_FeaturesAtTDoNotDependOnTheFuture()
    {
        var spec = new FeatureSpec { VoltageLags = FeatureSpec.Range(4), CurrentLags = [1, 2, 5] }.Validate();
        var random = new Stimuli.TraceRandom(3, 1, 4);
        var v = Enumerable.Range(0, 50).Select(_ => random.NextDouble(-70, 30)).ToArray();
        var i = Enumerable.Range(0, 50).Select(_ => random.NextDouble(0, 20)).ToArray();
        for (int t = 0; t < 50; t++)
        {
            var before = new float[spec.Count];
            spec.Fill(v, i, t, before);
            var v2 = (double[])v.Clone();
            var i2 = (double[])i.Clone();
            for (int s = t; s < 50; s++)
            {
                v2[s] = 1e6;
                i2[s] = -1e6;
            }
            var after = new float[spec.Count];
            spec.Fill(v2, i2, t, after);
            CollectionAssert.AreEqual(before, after, $"step {t}");
        }
    }

    [TestMethod]
    public void FeatureSpecTest_RejectsTheTargetAmongTheInputs()
    {
        var leaky = new FeatureSpec { VoltageLags = [0, 1, 2] };
        var e = Assert.ThrowsExactly<ArgumentException>(() => leaky.Validate());
        StringAssert.Contains(e.Message, "target leakage");
        Assert.ThrowsExactly<ArgumentException>(() => new FeatureSpec { CurrentLags = [-1] }.Validate());
        Assert.ThrowsExactly<ArgumentException>(() => new FeatureSpec { VoltageLags = [2], Target = FeatureTarget.Increment }.Validate());
        Assert.ThrowsExactly<ArgumentException>(() => VoltageLagRollout.ClosedLoop(leaky, new ShiftPredictor(3), new double[10], new double[10], 1, null));
    }

    [TestMethod]
    public void FeatureSpecTest_NamesOrderAndPadding()
    {
        var spec = new FeatureSpec { VoltageLags = [1, 2], CurrentLags = [0, 1] };
        CollectionAssert.AreEqual(new[] { "v_lag1", "v_lag2", "i_t", "i_lag1" }, spec.Names.ToArray());
        var features = new float[4];
        spec.Fill([-60.0, -55.0], [7.0, 8.0], 0, features);
        CollectionAssert.AreEqual(new float[] { -65, -65, 7, 0 }, features);
        spec.Fill([-60.0, -55.0], [7.0, 8.0], 1, features);
        CollectionAssert.AreEqual(new float[] { -60, -65, 8, 7 }, features);
        Assert.AreEqual(5.0, spec.TargetOf([-60.0, -55.0], 1));
        Assert.AreEqual(5.0, spec.TargetOf([-60.0, -55.0], 0), "V(−1) is the padding −65");
    }
}

/// <summary>Predicts an increment of +1 mV whatever it is fed, and counts its calls.</summary>
internal sealed class ShiftPredictor(int features) : IOneStepPredictor
{
    public int FeatureCount => features;
    public int Calls { get; private set; }
    public Func<int, float>? Override { get; init; }

    public void Predict(ReadOnlySpan<float> input, Span<float> outputs, int rows)
    {
        Calls++;
        for (int r = 0; r < rows; r++)
        {
            outputs[r] = Override?.Invoke(r) ?? 1;
        }
    }
}

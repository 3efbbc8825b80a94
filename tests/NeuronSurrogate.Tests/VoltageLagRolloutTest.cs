using NeuronSurrogate.Features;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class VoltageLagRolloutTest
{
    private static readonly FeatureSpec Spec = new() { VoltageLags = [1, 2], CurrentLags = [1] };

    [TestMethod]
    public void VoltageLagRolloutTest_ClosedLoopFeedsItsOwnPredictionsOneCallPerStep()
    {
        var predictor = new ShiftPredictor(3);
        var predictions = new double[3 * 10];
        var diverged = VoltageLagRollout.ClosedLoop(Spec, predictor, new double[30], predictions, 3, rule: null);
        Assert.AreEqual(10, predictor.Calls, "one call per step for all traces");
        CollectionAssert.AreEqual(new[] { -1, -1, -1 }, diverged);
        for (int t = 0; t < 10; t++)
        {
            Assert.AreEqual(-64.0 + t, predictions[20 + t], "v0 = −65 padding, then +1 per step on its own output");
        }
    }

    [TestMethod]
    public void VoltageLagRolloutTest_TeacherForcedUsesTheTruth()
    {
        var truth = Enumerable.Range(0, 10).Select(t => -70.0 + 3 * t).ToArray();
        var predictions = new double[10];
        VoltageLagRollout.TeacherForced(Spec, new ShiftPredictor(3), new double[10], truth, predictions, 1, rule: null, batchRows: 4);
        Assert.AreEqual(-64, predictions[0]);
        for (int t = 1; t < 10; t++)
        {
            Assert.AreEqual(truth[t - 1] + 1, predictions[t]);
        }
    }

    [TestMethod]
    public void VoltageLagRolloutTest_PeakIsFollowedByReset()
    {
        var rule = new SpikeResetRule(30, -65);
        // +40 mV per step: −65 → −25 → 15 → 55 clipped to 30 → reset −65 → −25 ...
        var predictions = new double[7];
        VoltageLagRollout.ClosedLoop(Spec, new ShiftPredictor(3) { Override = _ => 40 }, new double[7], predictions, 1, rule);
        CollectionAssert.AreEqual(new double[] { -25, 15, 30, -65, -25, 15, 30 }, predictions);
    }

    [TestMethod]
    public void VoltageLagRolloutTest_DivergenceStopsTheTraceAndIsReported()
    {
        int call = 0;
        var predictor = new ShiftPredictor(3) { Override = r => r == 1 && call++ >= 5 * 2 ? float.NaN : 1 };
        var predictions = new double[2 * 20];
        var diverged = VoltageLagRollout.ClosedLoop(Spec, predictor, new double[40], predictions, 2, null);
        Assert.AreEqual(-1, diverged[0]);
        Assert.IsGreaterThanOrEqualTo(0, diverged[1]);
        Assert.IsTrue(double.IsNaN(predictions[20 + diverged[1]]), "no garbage after the divergence");
        Assert.IsTrue(predictions.Take(20).All(double.IsFinite));
        var huge = new double[10];
        Assert.AreEqual(0, VoltageLagRollout.ClosedLoop(Spec, new ShiftPredictor(3) { Override = _ => 5000 }, new double[10], huge, 1, null)[0]);
    }
}

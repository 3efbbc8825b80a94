using NeuronSurrogate.Cards;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class StateSpaceSpecTest
{
    [TestMethod]
    public void TheSpecOfANeuronIsItsInitialStateAndRule()
    {
        var simulation = new IzhikevichSimulationOptions { Parameters = IzhikevichParameters.Chattering };
        var spec = StateSpaceSpec.For(simulation, 0.1);
        Assert.AreEqual(0.1, spec.TimeStepMs);
        Assert.AreEqual(simulation.InitialVoltageMv, spec.InitialVoltageMv);
        Assert.AreEqual(simulation.Parameters.B * simulation.InitialVoltageMv, spec.InitialRecovery, 1e-12);
        Assert.AreEqual(new SpikeResetRule(30, simulation.Parameters.C, simulation.Parameters.D), spec.Rule);
    }

    [TestMethod]
    public void FeaturesAreTheInputRowThenVSquared()
    {
        Span<float> input = stackalloc float[StateSpaceSpec.InputWidth];
        StateSpaceSpec.WriteInput(input, -61.5, -12.25, 7.5f);
        Span<float> features = stackalloc float[StateSpaceSpec.FeatureCount];
        StateSpaceSpec.WriteFeatures(input, features);
        CollectionAssert.AreEqual(new[] { -61.5f, -12.25f, 7.5f, -61.5f * -61.5f }, features.ToArray());
        Assert.AreEqual(StateSpaceSpec.FeatureCount, StateSpaceSpec.FeatureNames.Count);
        Assert.AreEqual(StateSpaceSpec.InputWidth, StateSpaceSpec.InputNames.Count);
        Assert.AreEqual("v", StateSpaceSpec.InputNames[StateSpaceSpec.Voltage]);
        Assert.AreEqual("u", StateSpaceSpec.InputNames[StateSpaceSpec.Recovery]);
        Assert.AreEqual("I", StateSpaceSpec.InputNames[StateSpaceSpec.Current]);
    }

    [TestMethod]
    public void TheCardSerializesTheSpecOnceAndReadsItBack()
    {
        var spec = new StateSpaceSpec(0.05, -70, -14, new SpikeResetRule(30, -50, 2));
        var scaling = StateSpaceScaling.Identity;
        var card = new StateSpaceModelCard { State = CardState.From(spec, scaling), Rule = CardRule.From(spec.Rule), Neuron = CardNeuron.From(new IzhikevichSimulationOptions()) };
        string path = Path.Combine(Path.GetTempPath(), $"spec-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, card.ToJson());
            Assert.AreEqual(spec, StateSpaceModelCard.Read(path).ToSpec());
            string json = File.ReadAllText(path);
            StringAssert.DoesNotMatch(json, new System.Text.RegularExpressions.Regex("\"(c|d|v0_mv)\""), "the neuron's reset, jump and v0 are the rule's and the state's, written once");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void ACardThatRepeatsTheNeuronsResetStillReads()
    {
        // The layout of the cards written before the spec: the neuron section repeated c, d and v0.
        string path = Path.Combine(Path.GetTempPath(), $"old-card-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, """
                {
                  "format": "neuron-surrogate.state-space-card/1",
                  "state": { "dt_ms": 0.1, "initial_voltage_mv": -65, "initial_recovery": -13 },
                  "structural_rule": { "peak_mv": 30, "reset_mv": -65, "recovery_increment": 8 },
                  "neuron": { "preset": "RS", "a": 0.02, "b": 0.2, "c": -65, "d": 8, "v0_mv": -65, "integrator": "euler" }
                }
                """);
            var card = StateSpaceModelCard.Read(path);
            Assert.AreEqual(new StateSpaceSpec(0.1, -65, -13, new SpikeResetRule(30, -65, 8)), card.ToSpec());
            Assert.AreEqual(new CardNeuron("RS", 0.02, 0.2, "euler"), card.Neuron);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

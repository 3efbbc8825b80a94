using NeuronSurrogate.Data;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Train;

/// <summary>
/// The trivial baselines of the main job on the test runs: a flat −65 mV, the training runs' mean voltage, and one
/// noise-free simulation at the training runs' mean current copied to every trace (input-blind).
/// </summary>
internal static class BaselineStage
{
    /// <summary>Scores, by name, in the report's order; both modes are the same (a baseline never sees its own output).</summary>
    public static IReadOnlyList<(string Name, ModelResult Result)> Run(IzhikevichSimulationOptions simulation, TraceSet train, TraceSet test)
    {
        var predictions = new double[test.VoltagesMv.Length];
        ModelResult Score()
        {
            var summary = Evaluation.Summarize(test, predictions);
            return new ModelResult(summary, summary);
        }
        TrivialBaselines.ConstantRest(predictions);
        var rest = Score();
        TrivialBaselines.TrainMean(train.VoltagesMv.Average(), predictions);
        var mean = Score();
        TrivialBaselines.InputBlind(simulation with { TimeStepMs = train.TimeStepMs }, train.Currents.Average(), predictions, test.TraceCount);
        return [("constant_rest", rest), ("train_mean", mean), ("input_blind", Score())];
    }
}

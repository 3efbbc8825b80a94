using System.Text.Json.Serialization;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Train;

/// <summary>
/// The evaluation suites every shipped RS model (state-space or latent) is scored on, in closed loop through its exported ONNX graph:
/// the default dataset's test runs, a held-out mixed-stimulus set (generated with its own seed, never used to train or
/// choose anything), and the RS f–I curve (constant currents 0 to 25, 1 s each).
/// </summary>
internal static class GeneralizationSuites
{
    /// <summary>The seed of the held-out mixed set, distinct from every training set's.</summary>
    public const long MixedHeldOutSeed = 4242;

    public static TraceSet MixedHeldOut(IzhikevichSimulationOptions simulation) => DatasetGenerator.Generate(new DatasetOptions
    {
        Runs = 40,
        NeuronsPerRun = 5,
        Steps = 1000,
        Seed = MixedHeldOutSeed,
        Simulation = simulation,
        Stimulus = new StimulusOptions { Kind = StimulusKind.Mixed },
        IncludeRecovery = true,
    }).Traces;

    public static GeneralizationResult Evaluate(string modelPath, TraceSet defaultTest, TraceSet mixedHeldOut, IzhikevichSimulationOptions simulation)
    {
        using var model = SurrogateModel.Open(modelPath);
        return new GeneralizationResult(ClosedLoop(model, defaultTest), ClosedLoop(model, mixedHeldOut), FiCurve(model, simulation));
    }

    private static MetricSummary ClosedLoop(ISurrogate model, TraceSet traces)
    {
        var predictions = new double[traces.VoltagesMv.Length];
        model.Predict(PredictionMode.ClosedLoop, ColumnsOf(traces), predictions, traces.TraceCount);
        return Evaluation.Summarize(traces, predictions);
    }

    /// <summary>A set's current columns by name, as <see cref="ISurrogate.Predict"/> takes them.</summary>
    public static Dictionary<string, double[]> ColumnsOf(TraceSet traces) => traces.Inputs.ToDictionary(i => i.Column, i => i.Values);

    /// <summary>Spikes in 1 s at each constant current 0, 1, …, 25: the simulator's and the model's.</summary>
    public static IReadOnlyList<FiPoint> FiCurve(ISurrogate model, IzhikevichSimulationOptions simulation)
    {
        const int levels = 26;
        int steps = (int)Math.Round(1000 / simulation.TimeStepMs);
        var currents = new double[levels * steps];
        for (int level = 0; level < levels; level++)
        {
            currents.AsSpan(level * steps, steps).Fill(level);
        }
        var truth = new double[currents.Length];
        IzhikevichBatchSimulator.SimulateTraceMajor(simulation, currents, truth, levels);
        var predictions = new double[currents.Length];
        model.Predict(PredictionMode.ClosedLoop, new Dictionary<string, double[]> { [TraceColumns.Current] = currents }, predictions, levels);
        return Enumerable.Range(0, levels).Select(level => new FiPoint(level,
            SpikeDetector.Detect(truth.AsSpan(level * steps, steps), simulation.TimeStepMs).Count,
            SpikeDetector.Detect(predictions.AsSpan(level * steps, steps), simulation.TimeStepMs).Count)).ToArray();
    }
}

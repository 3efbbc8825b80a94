using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;
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

    public static GeneralizationResult Evaluate(string modelPath, TraceSet defaultTest, TraceSet mixedHeldOut, IzhikevichSimulationOptions simulation, int oodTraces)
    {
        using var model = SurrogateModel.Open(modelPath);
        var neuron = new IzhikevichNeuron(simulation);
        return new GeneralizationResult(ClosedLoop(model, defaultTest), ClosedLoop(model, mixedHeldOut),
            FiCurves.Measure(neuron, model, StimulusGenerator.MixedMaxCurrent, simulation.TimeStepMs),
            GeneralizationOod.From(OodSuite.Run(model, neuron, coarse: null, oodTraces)));
    }

    /// <summary>The closed-loop metrics of a model on a set.</summary>
    public static MetricSummary ClosedLoop(ISurrogate model, TraceSet traces) => Evaluation.Summarize(traces, SurrogateScoring.ClosedLoop(model, traces).Predictions);
}

using System.Globalization;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Simulation;

/// <summary>The Izhikevich (2003) neuron behind <see cref="INeuronModel"/>: the fast path of <see cref="IzhikevichBatchSimulator"/>, unchanged.</summary>
/// <param name="Options">The parameters and integrator; dt is the batch's.</param>
public sealed record IzhikevichNeuron(IzhikevichSimulationOptions Options) : INeuronModel
{
    public string Name => "izhikevich";

    public string Description => string.Create(CultureInfo.InvariantCulture, $"{Options.Parameters}, {Options.Integrator}");

    public string CurrentUnit => "model units (Izhikevich 2003)";

    public IReadOnlyList<string> CurrentColumns { get; } = [Data.TraceColumns.Current];

    public IReadOnlyList<StateVariable> StateVariables =>
    [
        new("v", "mV", Options.InitialVoltageMv, "membrane potential"),
        new("u", "1", Options.InitialRecovery, "recovery variable"),
    ];

    public IReadOnlyDictionary<string, double> Parameters => new Dictionary<string, double>
    {
        ["a"] = Options.Parameters.A,
        ["b"] = Options.Parameters.B,
        ["c"] = Options.Parameters.C,
        ["d"] = Options.Parameters.D,
    };

    public string Integrator => Options.Integrator == IzhikevichIntegrator.HalfStep ? "half-step" : "euler";

    public SpikeRecording Spikes => SpikeRecording.PeakAndReset;

    public double MixedMaxCurrent => StimulusGenerator.MixedMaxCurrent;

    public StimulusOptions DefaultStimulus { get; } = new();

    public bool RecordsRecovery => true;

    public void CheckRecordingStep(double timeStepMs) => (Options with { TimeStepMs = timeStepMs }).Validate();

    public IReadOnlyList<TraceDivergence> Simulate(TraceBatch batch, int maxDegreeOfParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return IzhikevichBatchSimulator.SimulateTraceMajor(Options with { TimeStepMs = batch.TimeStepMs }, batch.Currents, batch.VoltagesMv,
            batch.TraceCount, batch.Recovery, maxDegreeOfParallelism);
    }
}

using System.Globalization;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Simulation;

/// <summary>The managed Hodgkin–Huxley point neuron behind <see cref="INeuronModel"/> (<see cref="HodgkinHuxleyBatchSimulator"/>).</summary>
/// <param name="Options">The parameters, integrator and solver step.</param>
public sealed record HodgkinHuxleyNeuron(HodgkinHuxleySimulationOptions Options) : INeuronModel
{
    /// <summary>
    /// The mixed family's largest current: repetitive firing starts near 0.078 nA (about 49 Hz, class II onset)
    /// and 0.3 nA drives about 90 Hz, so the family spans silence, single spikes and tonic firing.
    /// </summary>
    public const double MixedMaxCurrentNa = 0.3;

    public string Name => "hh";

    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"{Options.Parameters}, {Integrator}, solver dt ≤ {Options.SolverStepMs} ms");

    public string CurrentUnit => "nA";

    public IReadOnlyList<string> CurrentColumns { get; } = [Data.TraceColumns.Current];

    public IReadOnlyList<StateVariable> StateVariables
    {
        get
        {
            var rates = new HodgkinHuxleyRates(Options.Parameters.Q10Factor);
            var g = Options.Integrator == HodgkinHuxleyIntegrator.Neuron ? rates.Table(Options.InitialVoltageMv) : rates.Exact(Options.InitialVoltageMv);
            return
            [
                new("v", "mV", Options.InitialVoltageMv, "membrane potential"),
                new("m", "1", g.MInf, "sodium activation"),
                new("h", "1", g.HInf, "sodium inactivation"),
                new("n", "1", g.NInf, "potassium activation"),
            ];
        }
    }

    public IReadOnlyDictionary<string, double> Parameters
    {
        get
        {
            var p = Options.Parameters;
            return new Dictionary<string, double>
            {
                ["gnabar"] = p.SodiumConductance,
                ["gkbar"] = p.PotassiumConductance,
                ["gl"] = p.LeakConductance,
                ["ena"] = p.SodiumReversalMv,
                ["ek"] = p.PotassiumReversalMv,
                ["el"] = p.LeakReversalMv,
                ["cm"] = p.CapacitanceUfPerCm2,
                ["area_um2"] = p.AreaUm2,
                ["celsius"] = p.TemperatureCelsius,
                ["solver_dt_ms"] = Options.SolverStepMs,
            };
        }
    }

    public string Integrator => Options.Integrator == HodgkinHuxleyIntegrator.RungeKutta4 ? "rk4" : "neuron";

    public SpikeRecording Spikes => SpikeRecording.UpwardZeroCrossing;

    public double MixedMaxCurrent => MixedMaxCurrentNa;

    /// <summary>Gaussian current per 0.1 ms step, mean 0.1 nA, s.d. 0.05 nA: irregular firing near 50–70 Hz.</summary>
    public StimulusOptions DefaultStimulus { get; } = new() { MeanCurrent = 0.1, StandardDeviation = 0.05, BaselineCurrent = 0, Amplitude = 0.1 };

    public bool RecordsRecovery => false;

    public void CheckRecordingStep(double timeStepMs)
    {
        if (!(timeStepMs >= HodgkinHuxleySimulationOptions.MinSolverStepMs && timeStepMs <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(timeStepMs), timeStepMs, string.Create(CultureInfo.InvariantCulture,
                $"a recording step dt = {timeStepMs} ms: expected {HodgkinHuxleySimulationOptions.MinSolverStepMs} to 10 ms (the solver steps at most {Options.SolverStepMs} ms inside)"));
        }
    }

    public IReadOnlyList<TraceDivergence> Simulate(TraceBatch batch, int maxDegreeOfParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckRecordingStep(batch.TimeStepMs);
        return HodgkinHuxleyBatchSimulator.SimulateTraceMajor(Options, batch.TimeStepMs, batch.Currents, batch.VoltagesMv, batch.TraceCount, maxDegreeOfParallelism);
    }
}

using System.Globalization;

namespace NeuronSurrogate.Rollout;

/// <summary>
/// The single source of truth for a latent surrogate: which currents it reads and how they are standardized, the
/// voltage standardization, its step against the data's, the layout and initial value of its state, and the
/// structural rule where the training data show one. Trainer, exporter, rollouts, predictors and the model card all
/// read it from here (the card is its serialization).
/// </summary>
/// <remarks>
/// <para>A latent surrogate reads only the injected currents (a synaptic model: the input events of the cell's
/// synapses, <see cref="Synapses"/>) and its own previous outputs; its memory is learned. Nothing of the simulator's
/// internal state reaches it, in training or at inference.</para>
/// <para>The state, <see cref="StateSize"/> floats per trace, in order: the last voltage V (mV); the spike flag of that
/// voltage (1 where V crossed <see cref="SpikeThresholdMv"/> upward from the voltage before it); the peak flag (1 where
/// V is a recorded peak of the structural rule); <see cref="VoltageMemory"/> leaky traces of V (mV); then
/// <see cref="SpikeMemory"/> leaky counts of the spike flags; for a synaptic model, then <see cref="InputMemory"/> leaky
/// traces of its projected inputs. The first three are what teacher forcing overwrites with the truth.</para>
/// <para>Time grid: one step advances <see cref="StepFactor"/> data steps. It reads the currents of data steps
/// t … t + k − 1 (a current holds over [t, t + dt) and first shows in the next voltage) and returns the voltages of
/// steps t + 1 … t + k. Voltage 0 of a trace is <see cref="InitialVoltageMv"/>, the rest value of the training data.</para>
/// </remarks>
public sealed record LatentSpec
{
    /// <summary>Offsets of the state's parts.</summary>
    public const int VoltageIndex = 0, SpikeFlagIndex = 1, PeakFlagIndex = 2, MemoryOffset = 3;

    /// <summary>The currents read at every data step, <c>current</c> first.</summary>
    public IReadOnlyList<LatentInput> Inputs { get; init; } = [];

    /// <summary>The recording step of the training data, in ms. Defaults to 0.1 ms.</summary>
    public double TimeStepMs { get; init; } = 0.1;

    /// <summary>Data steps per surrogate step, k (1, 2, 5, 10…). Defaults to 1.</summary>
    public int StepFactor { get; init; } = 1;

    /// <summary>The mean of the training runs' voltages (mV), subtracted inside the graph.</summary>
    public double VoltageMeanMv { get; init; }

    /// <summary>The standard deviation of the training runs' voltages (mV), dividing inside the graph.</summary>
    public double VoltageScaleMv { get; init; } = 1;

    /// <summary>For each of the k outputs j = 1…k, the training runs' RMS of V(t + j) − V(t) (mV): the network's outputs are in these units.</summary>
    public IReadOnlyList<double> IncrementScalesMv { get; init; } = [1];

    /// <summary>Voltage 0 of every trace and the initial value of the voltage memory (mV): the training traces' mean first voltage.</summary>
    public double InitialVoltageMv { get; init; } = -65;

    /// <summary>The upward crossing that counts as a spike for the spike flag and memory; 0 mV, as for the metrics.</summary>
    public double SpikeThresholdMv { get; init; } = Simulation.SpikeFlags.ThresholdMv;

    /// <summary>Leaky traces of the voltage in the state. Defaults to 8.</summary>
    public int VoltageMemory { get; init; } = 8;

    /// <summary>Leaky counts of the spike flags in the state. Defaults to 8.</summary>
    public int SpikeMemory { get; init; } = 8;

    /// <summary>The peak → reset rule estimated from the training traces, or null where the data show none.</summary>
    public SpikeResetRule? Rule { get; init; }

    /// <summary>
    /// Synaptic inputs read as events (the cell's synapse table, ids 0…S − 1), or 0 for a model of injected currents.
    /// A synaptic model reads, per surrogate step, each synapse's count of input events over its k data steps, and no
    /// current columns (<see cref="Inputs"/> is empty).
    /// </summary>
    public int Synapses { get; init; }

    /// <summary>For a synaptic model: the learned low-rank projection's channels, R (counts [S] → R drives per step).</summary>
    public int InputChannels { get; init; }

    /// <summary>For a synaptic model: the fixed time constants (ms) of the leaky input traces each channel feeds, M of them.</summary>
    public IReadOnlyList<double> InputTimeConstantsMs { get; init; } = [];

    /// <summary>Whether the model reads synaptic events instead of currents.</summary>
    public bool IsSynaptic => Synapses > 0;

    /// <summary>Leaky input traces in the state: R × M for a synaptic model (channel-major), else 0.</summary>
    public int InputMemory => IsSynaptic ? InputChannels * InputTimeConstantsMs.Count : 0;

    /// <summary>Offset of the input traces in the state (after the spike memory).</summary>
    public int InputMemoryOffset => MemoryOffset + VoltageMemory + SpikeMemory;

    /// <summary>The input traces' decay per surrogate step, exp(−k·dt/τ), one per time constant.</summary>
    public double[] InputDecays() => InputTimeConstantsMs.Select(tau => Math.Exp(-SurrogateTimeStepMs / tau)).ToArray();

    /// <summary>The features the network reads from its inputs per step: the step's currents, or a synaptic model's R drives and R × M traces.</summary>
    public int InputFeatures => IsSynaptic ? InputChannels + InputMemory : CurrentsPerStep;

    /// <summary>The surrogate's own step, k × dt, in ms.</summary>
    public double SurrogateTimeStepMs => StepFactor * TimeStepMs;

    /// <summary>Current columns read.</summary>
    public int InputCount => Inputs.Count;

    /// <summary>Floats of state per trace.</summary>
    public int StateSize => MemoryOffset + VoltageMemory + SpikeMemory + InputMemory;

    /// <summary>Offset of the spike memory in the state.</summary>
    public int SpikeMemoryOffset => MemoryOffset + VoltageMemory;

    /// <summary>Inputs per surrogate step: k data steps × the current columns, step-major; for a synaptic model, the S synapses' event counts.</summary>
    public int CurrentsPerStep => IsSynaptic ? Synapses : StepFactor * InputCount;

    /// <summary>The network's inputs: V, the input features (<see cref="InputFeatures"/>), the voltage memory relative to V, the spike memory.</summary>
    public int NetworkInputs => 1 + InputFeatures + VoltageMemory + SpikeMemory;

    /// <summary>The network's outputs: k voltage increments, then the logit of a spike in the step.</summary>
    public int NetworkOutputs => StepFactor + 1;

    /// <summary>The state every trace starts from: at rest, no spike, memory full of the rest value.</summary>
    public float[] InitialState()
    {
        var state = new float[StateSize];
        state[VoltageIndex] = (float)InitialVoltageMv;
        state.AsSpan(MemoryOffset, VoltageMemory).Fill((float)InitialVoltageMv);
        return state;
    }

    /// <summary>Throws <see cref="ArgumentException"/> for a spec that cannot describe a model.</summary>
    public LatentSpec Validate()
    {
        if (IsSynaptic)
        {
            if (Inputs.Count != 0)
            {
                throw new ArgumentException($"a synaptic model reads events, not currents (inputs: [{string.Join(", ", Inputs.Select(i => i.Column))}])");
            }
            if (Synapses > 100_000 || InputChannels is < 1 or > 1024 || InputTimeConstantsMs.Count is < 1 or > 64
                || InputTimeConstantsMs.Any(t => !(t > 0) || !double.IsFinite(t)))
            {
                throw new ArgumentException(Invariant($"synaptic front end of {Synapses} synapses, {InputChannels} channels and {InputTimeConstantsMs.Count} time constants: expected 1 to 100 000 synapses, 1 to 1024 channels and 1 to 64 positive time constants"));
            }
        }
        else if (Synapses < 0 || InputChannels != 0 || InputTimeConstantsMs.Count != 0)
        {
            throw new ArgumentException("input channels and time constants belong to a synaptic model (synapses > 0)");
        }
        else if (Inputs.Count == 0 || Inputs[0].Column != Data.TraceColumns.Current)
        {
            throw new ArgumentException($"a latent surrogate reads '{Data.TraceColumns.Current}' first (inputs: [{string.Join(", ", Inputs.Select(i => i.Column))}])");
        }
        if (Inputs.Select(i => i.Column).Distinct(StringComparer.Ordinal).Count() != Inputs.Count)
        {
            throw new ArgumentException($"each current column once (inputs: [{string.Join(", ", Inputs.Select(i => i.Column))}])");
        }
        if (Inputs.Any(i => !double.IsFinite(i.Mean) || !(i.Scale > 0) || !double.IsFinite(i.Scale)))
        {
            throw new ArgumentException("every input needs a finite mean and a positive scale");
        }
        if (!(TimeStepMs > 0) || !double.IsFinite(TimeStepMs))
        {
            throw new ArgumentException(Invariant($"time step {TimeStepMs} ms: expected a positive number"));
        }
        if (StepFactor is < 1 or > 100)
        {
            throw new ArgumentException(Invariant($"step factor {StepFactor}: expected 1 to 100 data steps per surrogate step"));
        }
        if (IncrementScalesMv.Count != StepFactor || IncrementScalesMv.Any(s => !(s > 0) || !double.IsFinite(s)))
        {
            throw new ArgumentException(Invariant($"{IncrementScalesMv.Count} increment scales for a step factor of {StepFactor}: expected one positive scale per output"));
        }
        if (!double.IsFinite(VoltageMeanMv) || !(VoltageScaleMv > 0) || !double.IsFinite(VoltageScaleMv) || !double.IsFinite(InitialVoltageMv))
        {
            throw new ArgumentException("the voltage standardization and initial voltage must be finite, the scale positive");
        }
        if (VoltageMemory is < 0 or > 256 || SpikeMemory is < 0 or > 256)
        {
            throw new ArgumentException(Invariant($"memory sizes {VoltageMemory} and {SpikeMemory}: expected 0 to 256 each"));
        }
        if (Rule is not null && !(Rule.PeakMv > Rule.ResetMv))
        {
            throw new ArgumentException(Invariant($"rule peak {Rule.PeakMv} mV → reset {Rule.ResetMv} mV: the peak must lie above the reset"));
        }
        return this;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text.Json.Serialization;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Cards;

/// <summary>The latent section of a card: the <see cref="LatentSpec"/>, spelled out, with the learned time scales of its memory.</summary>
public sealed record CardLatent
{
    [JsonPropertyName("inputs")] public IReadOnlyList<CardLatentInput> Inputs { get; init; } = [];
    [JsonPropertyName("dt_ms")] public double TimeStepMs { get; init; }
    [JsonPropertyName("step_factor")] public int StepFactor { get; init; } = 1;
    [JsonPropertyName("voltage_mean_mv")] public double VoltageMeanMv { get; init; }
    [JsonPropertyName("voltage_scale_mv")] public double VoltageScaleMv { get; init; }
    [JsonPropertyName("increment_scales_mv")] public IReadOnlyList<double> IncrementScalesMv { get; init; } = [];
    [JsonPropertyName("initial_voltage_mv")] public double InitialVoltageMv { get; init; }
    [JsonPropertyName("spike_threshold_mv")] public double SpikeThresholdMv { get; init; }
    [JsonPropertyName("voltage_memory")] public int VoltageMemory { get; init; }
    [JsonPropertyName("spike_memory")] public int SpikeMemory { get; init; }
    [JsonPropertyName("voltage_memory_time_constants_ms")] public IReadOnlyList<double> VoltageTimeConstantsMs { get; init; } = [];
    [JsonPropertyName("spike_memory_time_constants_ms")] public IReadOnlyList<double> SpikeTimeConstantsMs { get; init; } = [];
    [JsonPropertyName("state_layout")] public string StateLayout { get; init; } = "";
    [JsonPropertyName("time_grid")] public string TimeGrid { get; init; } = "";

    /// <summary>A synaptic model's synapse count (it reads event counts, not currents); absent for a model of currents.</summary>
    [JsonPropertyName("synapses"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Synapses { get; init; }

    /// <summary>A synaptic model's projection channels R.</summary>
    [JsonPropertyName("input_channels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? InputChannels { get; init; }

    /// <summary>A synaptic model's input-trace time constants (ms, fixed).</summary>
    [JsonPropertyName("input_time_constants_ms"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<double>? InputTimeConstantsMs { get; init; }

    /// <summary>The section of a spec, with the memory's learned time constants (in ms, as trained).</summary>
    public static CardLatent From(LatentSpec spec, IReadOnlyList<double> voltageTimeConstantsMs, IReadOnlyList<double> spikeTimeConstantsMs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int kv = spec.VoltageMemory, ks = spec.SpikeMemory;
        return new CardLatent
        {
            Inputs = spec.Inputs.Select(CardLatentInput.From).ToArray(),
            TimeStepMs = spec.TimeStepMs,
            StepFactor = spec.StepFactor,
            VoltageMeanMv = spec.VoltageMeanMv,
            VoltageScaleMv = spec.VoltageScaleMv,
            IncrementScalesMv = spec.IncrementScalesMv,
            InitialVoltageMv = spec.InitialVoltageMv,
            SpikeThresholdMv = spec.SpikeThresholdMv,
            VoltageMemory = kv,
            SpikeMemory = ks,
            VoltageTimeConstantsMs = voltageTimeConstantsMs,
            SpikeTimeConstantsMs = spikeTimeConstantsMs,
            StateLayout = Invariant($"state [N, {spec.StateSize}]: [0] the last voltage V (mV); [1] its spike flag (1 where V crossed {spec.SpikeThresholdMv} mV upward from the voltage before); [2] its peak flag (1 where V is a recorded peak of the structural rule); [3..{2 + kv}] {kv} leaky traces of V (mV; m ← a·m + (1 − a)·V every data step, a = exp(−dt/τ)); [{3 + kv}..{2 + kv + ks}] {ks} leaky spike counts (c ← b·c + flag every data step)")
                + (spec.IsSynaptic ? Invariant($"; [{spec.InputMemoryOffset}..{spec.StateSize - 1}] {spec.InputMemory} leaky input traces, channel-major (channel r, time constant m at {spec.InputMemoryOffset} + r·{spec.InputTimeConstantsMs.Count} + m; y ← e·y + (1 − e)·u_r every surrogate step, e = exp(−k·dt/τ_m), u = W · counts)") : "")
                + (spec.IsSynaptic ? ". Start: V and the traces at initial_voltage_mv, flags, counts and input traces 0." : ". Start: V and the traces at initial_voltage_mv, flags and counts 0.")
                + " Teacher forcing sets [0..2] from the true voltages.",
            TimeGrid = spec.IsSynaptic
                ? Invariant($"one surrogate step = {spec.StepFactor} data step(s) of {spec.TimeStepMs} ms = {spec.SurrogateTimeStepMs} ms: it reads each synapse's count of input events at times in [t·dt, (t+{spec.StepFactor})·dt) (an event at time s counts in data step floor(s/dt) and first shows in the next voltage), returns the voltages of steps t+1..t+{spec.StepFactor}; voltage 0 of a trace is initial_voltage_mv. Outputs are raw mV.")
                : Invariant($"one surrogate step = {spec.StepFactor} data step(s) of {spec.TimeStepMs} ms = {spec.SurrogateTimeStepMs} ms: it reads the currents of data steps t..t+{spec.StepFactor - 1} (each holds over [t, t + dt) and first shows in the next voltage), returns the voltages of steps t+1..t+{spec.StepFactor}; voltage 0 of a trace is initial_voltage_mv. Inputs are normalized inside the graph as (I − mean) / scale, outputs are raw mV."),
            Synapses = spec.IsSynaptic ? spec.Synapses : null,
            InputChannels = spec.IsSynaptic ? spec.InputChannels : null,
            InputTimeConstantsMs = spec.IsSynaptic ? spec.InputTimeConstantsMs : null,
        };
    }

    /// <summary>The spec this section describes.</summary>
    public LatentSpec ToSpec(CardLatentRule? rule) => new LatentSpec
    {
        Inputs = Inputs.Select(i => i.ToInput()).ToArray(),
        TimeStepMs = TimeStepMs,
        StepFactor = StepFactor,
        VoltageMeanMv = VoltageMeanMv,
        VoltageScaleMv = VoltageScaleMv,
        IncrementScalesMv = IncrementScalesMv,
        InitialVoltageMv = InitialVoltageMv,
        SpikeThresholdMv = SpikeThresholdMv,
        VoltageMemory = VoltageMemory,
        SpikeMemory = SpikeMemory,
        Rule = rule?.ToRule(),
        Synapses = Synapses ?? 0,
        InputChannels = InputChannels ?? 0,
        InputTimeConstantsMs = InputTimeConstantsMs ?? [],
    }.Validate();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

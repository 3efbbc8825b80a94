using NeuronSurrogate.Rollout;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>
/// The latent surrogate's network: a bank of leaky memories of its own voltage and spikes, whose time constants it
/// learns, and an MLP that reads the last voltage, the step's currents and the memory and returns the next k voltages
/// (as increments) and the logit of a spike among them. It never reads anything of the simulator but the currents.
/// </summary>
/// <remarks>
/// One step, in the spec's raw units (what the ONNX graphs compute, operation for operation):
/// memory m ← a·m + (1 − a)·V and counts c ← b·c + flag; features ((V − μ)/σ, (I − μ_I)/σ_I, (m − V)/σ, c); MLP;
/// V_j = V + out_j · s_j for j = 1…k, each passed through the structural rule where there is one; then the memory
/// takes in V_1…V_{k−1} and their spike flags, and V_k, its flags, become the state's voltage.
/// </remarks>
public sealed class LatentNetwork : nn.Module
{
    private readonly MlpStack _stack;
    private readonly Parameter _logTauVoltage, _logTauSpike;
    // Every constant of the step is a tensor the module holds: TorchSharp turns a number into a Scalar that only the garbage
    // collector frees, and its finalizer thread freeing one while libtorch still reads it crashed a two-seed training run.
    private readonly Tensor _currentOffset, _currentScale, _incrementScale, _peak, _reset;
    private readonly Tensor _voltageMean, _voltageInverseScale, _threshold, _half, _negativeDt, _one, _span;
    // A synaptic model's front end: the learned projection W [R, S] of the synapses' event counts, and the fixed decay
    // e and gain 1 − e of its leaky input traces, tiled channel-major to [R × M].
    private readonly Parameter? _projection;
    private readonly Tensor? _inputDecay, _inputGain;

    public LatentNetwork(LatentSpec spec, LatentSettings settings) : base(nameof(LatentNetwork))
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(settings);
        Spec = spec.Validate();
        Settings = settings.Validate();
        _stack = new MlpStack(this, spec.NetworkInputs, settings.Hidden, spec.NetworkOutputs, MlpActivation.SiLU, register_module);
        _logTauVoltage = new Parameter(tensor(LogSpaced(spec.VoltageMemory, settings.MinTimeConstantMs, settings.MaxTimeConstantMs)));
        _logTauSpike = new Parameter(tensor(LogSpaced(spec.SpikeMemory, settings.MinTimeConstantMs, settings.MaxTimeConstantMs)));
        register_parameter("log_tau_voltage", _logTauVoltage);
        register_parameter("log_tau_spike", _logTauSpike);
        // The last layer starts small: at first the network barely moves the voltage, so early rollouts stay bounded.
        using (no_grad())
        {
            using var tenth = tensor(0.1f);
            _stack.Layers[^1].weight!.mul_(tenth);
            _stack.Layers[^1].bias!.zero_();
        }
        var offsets = new float[spec.CurrentsPerStep];
        var scales = new float[spec.CurrentsPerStep];
        for (int j = 0; j < spec.StepFactor; j++)
        {
            for (int c = 0; c < spec.InputCount; c++)
            {
                offsets[j * spec.InputCount + c] = (float)spec.Inputs[c].Mean;
                scales[j * spec.InputCount + c] = (float)(1 / spec.Inputs[c].Scale);
            }
        }
        _currentOffset = tensor(offsets);
        _currentScale = tensor(scales);
        _incrementScale = tensor(spec.IncrementScalesMv.Select(s => (float)s).ToArray());
        _voltageMean = tensor((float)spec.VoltageMeanMv);
        _voltageInverseScale = tensor((float)(1 / spec.VoltageScaleMv));
        _threshold = tensor((float)spec.SpikeThresholdMv);
        _half = tensor(0.5f);
        _negativeDt = tensor((float)-spec.TimeStepMs);
        _one = tensor(1f);
        _span = tensor((float)(spec.StepFactor - 1));
        _peak = tensor((float)(spec.Rule?.PeakMv ?? 0));
        _reset = tensor((float)(spec.Rule?.ResetMv ?? 0));
        if (spec.IsSynaptic)
        {
            // About 6 input events per ms reach this cell: a spread of 1/√6 gives drives of order one at the start.
            _projection = new Parameter(randn(spec.InputChannels, spec.Synapses).mul_(tensor((float)settings.ProjectionInitScale)));
            register_parameter("input_projection", _projection);
            var decays = spec.InputDecays();
            var tiled = Enumerable.Range(0, spec.InputChannels).SelectMany(_ => decays).ToArray();
            _inputDecay = tensor(tiled.Select(e => (float)e).ToArray());
            _inputGain = tensor(tiled.Select(e => (float)(1 - e)).ToArray());
        }
    }

    /// <summary>A synaptic model's learned projection W <c>[R, S]</c> (null for a model of currents).</summary>
    public Tensor? InputProjection => _projection;

    /// <summary>
    /// Overwrites the first rows of a synaptic model's projection W (before training: the rows of a known filter, such as
    /// a linear fit's); the other rows keep their values.
    /// </summary>
    /// <param name="rows">Row-major <c>[count, S]</c>.</param>
    /// <param name="count">How many rows, at most R.</param>
    public void SetInputProjectionRows(float[] rows, int count)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (_projection is null)
        {
            throw new InvalidOperationException("a model of currents has no input projection");
        }
        if (count < 0 || count > Spec.InputChannels || rows.Length != count * Spec.Synapses)
        {
            throw new ArgumentException($"{rows.Length} weights as {count} rows: expected at most {Spec.InputChannels} rows of {Spec.Synapses}");
        }
        using var noGrad = no_grad();
        using var values = tensor(rows, [count, Spec.Synapses]);
        using var target = _projection.narrow(0, 0, count);
        target.copy_(values);
    }

    /// <summary>A synaptic model's input traces at a window start from the per-synapse traces <c>[N, S, M]</c>: W applied synapse-wise, <c>[N, R × M]</c>.</summary>
    public Tensor ProjectInputTraces(Tensor perSynapse)
    {
        ArgumentNullException.ThrowIfNull(perSynapse);
        if (_projection is null)
        {
            throw new InvalidOperationException("a model of currents has no input traces");
        }
        // [N, S, M] → [N, M, S] · Wᵀ [S, R] → [N, M, R] → [N, R, M], channel-major as in the state.
        return perSynapse.transpose(1, 2).matmul(_projection.t()).transpose(1, 2).reshape(perSynapse.shape[0], Spec.InputMemory);
    }

    public LatentSpec Spec { get; }

    public LatentSettings Settings { get; }

    /// <summary>The MLP's layers, input first (weights <c>[out, in]</c>).</summary>
    public IReadOnlyList<Linear> Layers => _stack.Layers;

    /// <summary>The voltage memory's time constants (ms), as trained so far.</summary>
    public double[] VoltageTimeConstantsMs() => TimeConstants(_logTauVoltage);

    /// <summary>The spike memory's time constants (ms), as trained so far.</summary>
    public double[] SpikeTimeConstantsMs() => TimeConstants(_logTauSpike);

    /// <summary>The decay factors and fold maps of the current time constants (differentiable).</summary>
    public LatentCoefficients Coefficients()
    {
        var voltageDecay = _logTauVoltage.exp().reciprocal().mul(_negativeDt).exp();
        var spikeDecay = _logTauSpike.exp().reciprocal().mul(_negativeDt).exp();
        var voltageGain = _one.sub(voltageDecay);
        int k = Spec.StepFactor;
        if (k == 1)
        {
            return new LatentCoefficients(voltageDecay, voltageGain, spikeDecay, null, null, null, null);
        }
        var exponents = tensor(Enumerable.Range(0, k - 1).Select(j => (float)(k - 2 - j)).ToArray()).unsqueeze(1);
        return new LatentCoefficients(voltageDecay, voltageGain, spikeDecay,
            voltageDecay.pow(_span), voltageDecay.unsqueeze(0).pow(exponents).mul(voltageGain),
            spikeDecay.pow(_span), spikeDecay.unsqueeze(0).pow(exponents));
    }

    /// <summary>The spec's initial state for <paramref name="rows"/> traces.</summary>
    public LatentState Initial(long rows)
    {
        using var v0 = ((float)Spec.InitialVoltageMv).ToScalar();
        return new LatentState(full(rows, 1, v0), zeros(rows, 1), zeros(rows, 1), full(rows, Spec.VoltageMemory, v0), zeros(rows, Spec.SpikeMemory),
            Spec.IsSynaptic ? zeros(rows, Spec.InputMemory) : null);
    }

    /// <summary>One surrogate step.</summary>
    /// <param name="state">The state before the step.</param>
    /// <param name="currents">Raw currents <c>[N, k × inputs]</c>, step-major.</param>
    /// <param name="coefficients">From <see cref="Coefficients"/>.</param>
    /// <returns>The state after the step, the k voltages <c>[N, k]</c> (mV), and the spike logit <c>[N, 1]</c>.</returns>
    public (LatentState Next, Tensor Voltages, Tensor SpikeLogit) Step(LatentState state, Tensor currents, LatentCoefficients coefficients)
    {
        ArgumentNullException.ThrowIfNull(currents);
        return StepStandardized(state, StandardizeCurrents(currents), coefficients);
    }

    /// <summary>Raw currents (any shape ending in k × inputs) standardized as the network reads them; a trainer does this once per window. A synaptic model's event counts pass as they are.</summary>
    public Tensor StandardizeCurrents(Tensor currents)
    {
        ArgumentNullException.ThrowIfNull(currents);
        return Spec.IsSynaptic ? currents.alias() : currents.sub(_currentOffset).mul(_currentScale);
    }

    /// <summary><see cref="Step"/> with currents already standardized by <see cref="StandardizeCurrents"/>.</summary>
    public (LatentState Next, Tensor Voltages, Tensor SpikeLogit) StepStandardized(LatentState state, Tensor currents, LatentCoefficients coefficients)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(currents);
        ArgumentNullException.ThrowIfNull(coefficients);
        var v = state.Voltage;
        var memory = state.VoltageMemory.mul(coefficients.VoltageDecay).add(v.mul(coefficients.VoltageGain), TorchScalars.One);
        var counts = state.SpikeMemory.mul(coefficients.SpikeDecay).add(state.SpikeFlag, TorchScalars.One);
        var inputs = currents;
        Tensor? inputMemory = null;
        if (_projection is not null)
        {
            // Event counts [N, S] → drives u = W·counts [N, R]; each channel's traces y ← e·y + (1 − e)·u.
            var drive = currents.matmul(_projection.t());
            long rows = drive.shape[0];
            var repeated = drive.unsqueeze(2).expand(rows, Spec.InputChannels, Spec.InputTimeConstantsMs.Count).reshape(rows, Spec.InputMemory);
            inputMemory = state.InputMemory!.mul(_inputDecay!).add(repeated.mul(_inputGain!), TorchScalars.One);
            inputs = cat([drive, inputMemory], 1);
        }
        var features = cat([
            v.sub(_voltageMean).mul(_voltageInverseScale),
            inputs,
            memory.sub(v).mul(_voltageInverseScale),
            counts,
        ], 1);
        var output = _stack.Forward(features);
        int k = Spec.StepFactor;
        var raw = output[.., 0..k].mul(_incrementScale).add(v, TorchScalars.One);
        var logit = output[.., k..(k + 1)];

        Tensor voltages, flags, peakFlag;
        if (Spec.Rule is null && k == 1)
        {
            voltages = raw;
            flags = Crossing(v, raw);
            peakFlag = state.PeakFlag;
        }
        else
        {
            var previous = v;
            var afterPeak = state.PeakFlag.gt(_half);
            var each = new Tensor[k];
            var eachFlag = new Tensor[k];
            for (int j = 0; j < k; j++)
            {
                var vj = raw[.., j..(j + 1)];
                if (Spec.Rule is not null)
                {
                    var atPeak = vj.ge(_peak);
                    vj = where(afterPeak, _reset, where(atPeak, _peak, vj));
                    afterPeak = atPeak.logical_and(afterPeak.logical_not());
                }
                each[j] = vj;
                eachFlag[j] = Crossing(previous, vj);
                previous = vj;
            }
            voltages = k == 1 ? each[0] : cat(each, 1);
            flags = k == 1 ? eachFlag[0] : cat(eachFlag, 1);
            peakFlag = afterPeak.to_type(ScalarType.Float32);
        }

        if (k > 1)
        {
            memory = memory.mul(coefficients.VoltageDecaySpan!).add(voltages[.., 0..(k - 1)].matmul(coefficients.VoltageFold!), TorchScalars.One);
            counts = counts.mul(coefficients.SpikeDecaySpan!).add(flags[.., 0..(k - 1)].matmul(coefficients.SpikeFold!), TorchScalars.One);
        }
        var next = k == 1
            ? new LatentState(voltages, flags, peakFlag, memory, counts, inputMemory)
            : new LatentState(voltages[.., (k - 1)..k], flags[.., (k - 1)..k], peakFlag, memory, counts, inputMemory);
        return (next, voltages, logit);
    }

    /// <summary>
    /// Floating-point operations of one surrogate step, counting a multiply and an add as one each and exp as one:
    /// the dense layers, activations, standardization, memory and rule.
    /// </summary>
    public long FlopPerStep()
    {
        long flop = 0;
        foreach (var layer in _stack.Layers)
        {
            long inputs = layer.weight!.shape[1], outputs = layer.weight.shape[0];
            flop += 2 * inputs * outputs + outputs;
        }
        flop += 4L * Settings.Hidden.Sum();                   // SiLU: exp, add, divide, multiply
        flop += 2L * Spec.NetworkInputs;                        // standardization of the features
        flop += 3L * Spec.VoltageMemory + 2L * Spec.SpikeMemory; // memory update
        flop += 4L * Spec.StepFactor;                           // increments, spike flags, rule
        if (Spec.StepFactor > 1)
        {
            flop += (2L * (Spec.StepFactor - 1) + 1) * (Spec.VoltageMemory + Spec.SpikeMemory);
        }
        if (Spec.IsSynaptic)
        {
            flop += 2L * Spec.Synapses * Spec.InputChannels + 3L * Spec.InputMemory; // the dense projection and the input traces
        }
        return flop;
    }

    private Tensor Crossing(Tensor before, Tensor after) => before.lt(_threshold).logical_and(after.ge(_threshold)).to_type(ScalarType.Float32);

    private static double[] TimeConstants(Parameter logTau)
    {
        using var noGrad = no_grad();
        using var tau = logTau.exp();
        return tau.data<float>().ToArray().Select(t => (double)t).ToArray();
    }

    private static float[] LogSpaced(int count, double min, double max) =>
        Enumerable.Range(0, count).Select(j => (float)Math.Log(min * Math.Pow(max / min, count == 1 ? 0 : j / (double)(count - 1)))).ToArray();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _currentOffset.Dispose();
            _currentScale.Dispose();
            _incrementScale.Dispose();
            _peak.Dispose();
            _reset.Dispose();
            _inputDecay?.Dispose();
            _inputGain?.Dispose();
            foreach (var constant in new[] { _voltageMean, _voltageInverseScale, _threshold, _half, _negativeDt, _one, _span })
            {
                constant.Dispose();
            }
        }
        base.Dispose(disposing);
    }
}

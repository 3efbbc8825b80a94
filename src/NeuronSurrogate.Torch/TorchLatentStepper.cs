using NeuronSurrogate.Rollout;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>
/// A <see cref="LatentNetwork"/> as a stepper for <see cref="LatentRollout"/>: inference mode, the memory's decay
/// factors computed once, the state and currents copied straight into tensors and back.
/// </summary>
/// <remarks>Does not own the network; owns the coefficients it computed from it (dispose it). Build a new one after the
/// network's weights change.</remarks>
public sealed class TorchLatentStepper : ILatentStepper, IDisposable
{
    private readonly LatentNetwork _network;
    private readonly LatentCoefficients _coefficients;

    public TorchLatentStepper(LatentNetwork network)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var c = network.Coefficients();
        _coefficients = new LatentCoefficients(c.VoltageDecay.DetachFromDisposeScope(), c.VoltageGain.DetachFromDisposeScope(), c.SpikeDecay.DetachFromDisposeScope(),
            c.VoltageDecaySpan?.DetachFromDisposeScope(), c.VoltageFold?.DetachFromDisposeScope(), c.SpikeDecaySpan?.DetachFromDisposeScope(), c.SpikeFold?.DetachFromDisposeScope());
    }

    public LatentSpec Spec => _network.Spec;

    public void Advance(ReadOnlySpan<float> currents, Span<float> state, Span<float> voltagesMv, Span<float> spikeProbability, int rows)
    {
        var spec = _network.Spec;
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var packed = empty(rows, spec.StateSize);
        using (var data = packed.data<float>())
        {
            data.CopyFrom(state[..(rows * spec.StateSize)]);
        }
        var input = empty(rows, spec.CurrentsPerStep);
        using (var data = input.data<float>())
        {
            data.CopyFrom(currents[..(rows * spec.CurrentsPerStep)]);
        }
        var (next, voltages, logit) = _network.Step(LatentState.Unpack(packed, spec), input, _coefficients);
        using (var data = next.Pack().contiguous().data<float>())
        {
            data.CopyTo(state[..(rows * spec.StateSize)]);
        }
        using (var data = voltages.contiguous().data<float>())
        {
            data.CopyTo(voltagesMv[..(rows * spec.StepFactor)]);
        }
        using (var data = logit.sigmoid().contiguous().data<float>())
        {
            data.CopyTo(spikeProbability[..rows]);
        }
    }

    public void Dispose()
    {
        _coefficients.VoltageDecay.Dispose();
        _coefficients.VoltageGain.Dispose();
        _coefficients.SpikeDecay.Dispose();
        _coefficients.VoltageDecaySpan?.Dispose();
        _coefficients.VoltageFold?.Dispose();
        _coefficients.SpikeDecaySpan?.Dispose();
        _coefficients.SpikeFold?.Dispose();
    }
}

using NeuronSurrogate.Rollout;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>
/// The state-space surrogate: an MLP from standardized (v, u, I, v²) to standardized (Δv, Δu). <see cref="forward"/>
/// takes raw states <c>[N, 3]</c> (v in mV, u, I) and returns raw increments <c>[N, 2]</c>; the affine maps fitted on the
/// training runs are part of the model, as they are part of its ONNX graph.
/// </summary>
public sealed class StateSpaceMlp : nn.Module<Tensor, Tensor>, IStandardizedMlp
{
    private readonly MlpStack _stack;
    private readonly Tensor _inputOffset, _inputScale, _targetMean, _targetScale;

    public StateSpaceMlp(MlpSettings settings, StateSpaceScaling scaling) : base(nameof(StateSpaceMlp))
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        Scaling = scaling ?? throw new ArgumentNullException(nameof(scaling));
        _stack = new MlpStack(this, StateSpaceScaling.FeatureCount, settings.Hidden, 2, settings.Activation, register_module);
        _inputOffset = tensor(scaling.InputOffset);
        _inputScale = tensor(scaling.InputScale);
        _targetMean = tensor(scaling.TargetMean);
        _targetScale = tensor(scaling.TargetScale);
    }

    public MlpSettings Settings { get; }

    public StateSpaceScaling Scaling { get; }

    /// <summary>The linear layers, input first (weights <c>[out, in]</c>).</summary>
    public IReadOnlyList<Linear> Layers => _stack.Layers;

    /// <summary>Raw states <c>[N, 3]</c> → raw increments <c>[N, 2]</c>.</summary>
    public override Tensor forward(Tensor states)
    {
        using var scope = NewDisposeScope();
        return Core(Standardize(states)) .mul(_targetScale).add(_targetMean).MoveToOuterDisposeScope();
    }

    /// <summary>(v, u, I) → standardized (v, u, I, v²).</summary>
    public Tensor Standardize(Tensor states)
    {
        var v = states[.., 0..1];
        var features = cat([states, v.mul(v)], 1);
        return features.sub(_inputOffset).mul(_inputScale);
    }

    /// <summary>Standardized features → standardized increments: the part that is trained.</summary>
    public Tensor Core(Tensor standardized) => _stack.Forward(standardized);

    /// <summary>Standardizes raw increments <c>[N, 2]</c> the way <see cref="Core"/>'s outputs are.</summary>
    public Tensor StandardizeTargets(Tensor increments) => increments.sub(_targetMean).div(_targetScale);

    /// <summary>The weights and biases of every layer as float arrays (weights row-major <c>[out, in]</c>).</summary>
    public IReadOnlyList<(float[] Weight, long[] Shape, float[] Bias)> Export() => _stack.Export();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inputOffset.Dispose();
            _inputScale.Dispose();
            _targetMean.Dispose();
            _targetScale.Dispose();
        }
        base.Dispose(disposing);
    }
}

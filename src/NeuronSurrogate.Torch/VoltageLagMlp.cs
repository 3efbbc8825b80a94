using NeuronSurrogate.Features;
using NeuronSurrogate.Rollout;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>
/// The voltage-lag (NARX) comparison model: an MLP from the standardized causal lag features of a
/// <see cref="FeatureSpec"/> to the standardized target (V(t) or its increment). <see cref="forward"/> takes raw features
/// <c>[N, F]</c> and returns the raw target <c>[N, 1]</c>.
/// </summary>
public sealed class VoltageLagMlp : nn.Module<Tensor, Tensor>, IStandardizedMlp
{
    private readonly MlpStack _stack;
    private readonly Tensor _offset, _scale, _targetMean, _targetScale;

    public VoltageLagMlp(MlpSettings settings, FeatureSpec spec, float[] offset, float[] scale, float targetMean, float targetScale) : base(nameof(VoltageLagMlp))
    {
        ArgumentNullException.ThrowIfNull(settings);
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        _stack = new MlpStack(this, spec.Count, settings.Hidden, 1, settings.Activation, register_module);
        _offset = tensor(offset);
        _scale = tensor(scale);
        _targetMean = tensor(targetMean);
        _targetScale = tensor(targetScale);
    }

    public FeatureSpec Spec { get; }

    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        return Core(Standardize(features)).mul(_targetScale).add(_targetMean, TorchScalars.One).MoveToOuterDisposeScope();
    }

    public Tensor Standardize(Tensor inputs) => inputs.sub(_offset).mul(_scale);

    public Tensor StandardizeTargets(Tensor targets) => targets.sub(_targetMean).div(_targetScale);

    public Tensor Core(Tensor standardized) => _stack.Forward(standardized);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _offset.Dispose();
            _scale.Dispose();
            _targetMean.Dispose();
            _targetScale.Dispose();
        }
        base.Dispose(disposing);
    }
}

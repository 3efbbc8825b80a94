using NeuronSurrogate.Rollout;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>
/// The state-space surrogate: an MLP from the standardized features to the standardized increments of
/// <see cref="StateSpaceSpec"/>. <see cref="forward"/> takes raw input rows <c>[N, InputWidth]</c> and returns raw
/// increments <c>[N, OutputWidth]</c>; the affine maps fitted on the training runs are part of the model, as they are part
/// of its ONNX graph.
/// </summary>
public sealed class StateSpaceMlp : nn.Module<Tensor, Tensor>, IStandardizedMlp
{
    private readonly MlpStack _stack;
    private readonly Tensor _inputOffset, _inputScale, _targetMean, _targetScale;
    private readonly bool _zeroInputOffset, _unitInputScale, _identityTargets;

    public StateSpaceMlp(MlpSettings settings, StateSpaceScaling scaling) : base(nameof(StateSpaceMlp))
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        Scaling = scaling ?? throw new ArgumentNullException(nameof(scaling));
        _stack = new MlpStack(this, StateSpaceSpec.FeatureCount, settings.Hidden, StateSpaceSpec.OutputWidth, settings.Activation, register_module);
        _inputOffset = tensor(scaling.InputOffset);
        _inputScale = tensor(scaling.InputScale);
        _targetMean = tensor(scaling.TargetMean);
        _targetScale = tensor(scaling.TargetScale);
        _zeroInputOffset = scaling.InputOffset.All(x => x == 0f);
        _unitInputScale = scaling.InputScale.All(x => x == 1f);
        _identityTargets = scaling.TargetScale.All(x => x == 1f) && scaling.TargetMean.All(x => x == 0f);
    }

    public MlpSettings Settings { get; }

    public StateSpaceScaling Scaling { get; }

    /// <summary>The linear layers, input first (weights <c>[out, in]</c>).</summary>
    public IReadOnlyList<Linear> Layers => _stack.Layers;

    /// <summary>Raw input rows → raw increments.</summary>
    public override Tensor forward(Tensor states)
    {
        using var scope = NewDisposeScope();
        var increments = Core(Standardize(states));
        return (_identityTargets ? increments : increments.mul(_targetScale).add(_targetMean, TorchScalars.One)).MoveToOuterDisposeScope();
    }

    /// <summary>Input rows → standardized features (<see cref="StateSpaceSpec.WriteFeatures"/>: the row, then v²).</summary>
    public Tensor Standardize(Tensor inputs)
    {
        var v = inputs[.., StateSpaceSpec.Voltage..(StateSpaceSpec.Voltage + 1)];
        var features = cat([inputs, v.mul(v)], 1);
        if (!_zeroInputOffset)
        {
            features = features.sub(_inputOffset);
        }
        return _unitInputScale ? features : features.mul(_inputScale);
    }

    /// <summary>Standardized features → standardized increments: the part that is trained.</summary>
    public Tensor Core(Tensor standardized) => _stack.Forward(standardized);

    /// <summary>Standardizes raw increments the way <see cref="Core"/>'s outputs are.</summary>
    public Tensor StandardizeTargets(Tensor targets) => targets.sub(_targetMean).div(_targetScale);

    /// <summary>
    /// The same function with the standardization folded into the weights, the form the ONNX graphs ship: the first
    /// layer's columns multiplied by the input scales and its biases shifted by the offsets, the last layer's rows
    /// multiplied by the target scales and its biases mapped through the target affine map (the arithmetic in double,
    /// rounded once). The raw features meet weights scaled down by the same factors, so the products keep the magnitude
    /// of the standardized ones (v² · scale is a few units). The caller owns the new module.
    /// </summary>
    public StateSpaceMlp Folded()
    {
        var s = Scaling;
        var folded = new StateSpaceMlp(Settings, StateSpaceScaling.Identity);
        var layers = Export();
        using (no_grad())
        {
            for (int i = 0; i < layers.Count; i++)
            {
                var (weight, shape, bias) = layers[i];
                int inputs = (int)shape[1];
                if (i == 0)
                {
                    // W (x − o) ⊙ s + b = (W diag s) x + (b − W (o ⊙ s)).
                    for (int j = 0; j < bias.Length; j++)
                    {
                        double shifted = bias[j];
                        for (int k = 0; k < inputs; k++)
                        {
                            double scaled = (double)weight[j * inputs + k] * s.InputScale[k];
                            shifted -= scaled * s.InputOffset[k];
                            weight[j * inputs + k] = (float)scaled;
                        }
                        bias[j] = (float)shifted;
                    }
                }
                if (i == layers.Count - 1)
                {
                    for (int k = 0; k < weight.Length; k++)
                    {
                        weight[k] = (float)((double)weight[k] * s.TargetScale[k / inputs]);
                    }
                    for (int m = 0; m < bias.Length; m++)
                    {
                        bias[m] = (float)((double)bias[m] * s.TargetScale[m] + s.TargetMean[m]);
                    }
                }
                // Held until the copies are done: a temporary only the finalizer frees could be freed while libtorch reads it.
                using var weights = tensor(weight, shape);
                using var biases = tensor(bias, [bias.Length]);
                folded.Layers[i].weight!.copy_(weights);
                folded.Layers[i].bias!.copy_(biases);
            }
        }
        folded.eval();
        return folded;
    }

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

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
public sealed class StateSpaceMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear[] _layers;
    private readonly MlpActivation _activation;
    private readonly Tensor _inputOffset, _inputScale, _targetMean, _targetScale;

    public StateSpaceMlp(MlpSettings settings, StateSpaceScaling scaling) : base(nameof(StateSpaceMlp))
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        Scaling = scaling ?? throw new ArgumentNullException(nameof(scaling));
        _activation = settings.Activation;
        var widths = new[] { StateSpaceScaling.FeatureCount }.Concat(settings.Hidden).Append(2).ToArray();
        _layers = new Linear[widths.Length - 1];
        for (int i = 0; i < _layers.Length; i++)
        {
            _layers[i] = nn.Linear(widths[i], widths[i + 1]);
            register_module($"layer{i}", _layers[i]);
        }
        _inputOffset = tensor(scaling.InputOffset);
        _inputScale = tensor(scaling.InputScale);
        _targetMean = tensor(scaling.TargetMean);
        _targetScale = tensor(scaling.TargetScale);
    }

    public MlpSettings Settings { get; }

    public StateSpaceScaling Scaling { get; }

    /// <summary>The linear layers, input first (weights <c>[out, in]</c>).</summary>
    public IReadOnlyList<Linear> Layers => _layers;

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
    public Tensor Core(Tensor standardized)
    {
        var x = standardized;
        for (int i = 0; i < _layers.Length; i++)
        {
            x = _layers[i].forward(x);
            if (i < _layers.Length - 1)
            {
                x = _activation switch
                {
                    MlpActivation.SiLU => nn.functional.silu(x),
                    MlpActivation.Tanh => x.tanh(),
                    _ => nn.functional.relu(x),
                };
            }
        }
        return x;
    }

    /// <summary>Standardizes raw increments <c>[N, 2]</c> the way <see cref="Core"/>'s outputs are.</summary>
    public Tensor StandardizeTargets(Tensor increments) => increments.sub(_targetMean).div(_targetScale);

    /// <summary>The weights and biases of every layer as float arrays (weights row-major <c>[out, in]</c>).</summary>
    public IReadOnlyList<(float[] Weight, long[] Shape, float[] Bias)> Export() =>
        _layers.Select(l => (l.weight!.data<float>().ToArray(), l.weight.shape, l.bias!.data<float>().ToArray())).ToArray();

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

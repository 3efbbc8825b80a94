using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>The dense layers and activations shared by the project's MLPs (registered on their owner module).</summary>
internal sealed class MlpStack
{
    private readonly Linear[] _layers;
    private readonly MlpActivation _activation;

    public MlpStack(nn.Module owner, int inputs, IReadOnlyList<int> hidden, int outputs, MlpActivation activation, Action<string, nn.Module> register)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(register);
        _activation = activation;
        var widths = new[] { inputs }.Concat(hidden).Append(outputs).ToArray();
        _layers = new Linear[widths.Length - 1];
        for (int i = 0; i < _layers.Length; i++)
        {
            _layers[i] = nn.Linear(widths[i], widths[i + 1]);
            register($"layer{i}", _layers[i]);
        }
    }

    public IReadOnlyList<Linear> Layers => _layers;

    public Tensor Forward(Tensor x)
    {
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

    public IReadOnlyList<(float[] Weight, long[] Shape, float[] Bias)> Export() =>
        _layers.Select(l => (l.weight!.data<float>().ToArray(), l.weight.shape, l.bias!.data<float>().ToArray())).ToArray();
}

using Google.Protobuf;
using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Inference;

/// <summary>
/// The weights of a latent one-step graph, read out of the graph itself (its Gemm nodes in order, and the constants
/// named in <see cref="LatentGraphNames"/>), laid out for <see cref="FusedLatentStepper"/>: hidden layers transposed to
/// <c>[inputs, outputs]</c> with the outputs padded to a multiple of eight (zero weights: a padded unit is SiLU(0) = 0
/// and meets zero weights in the next layer), the last layer row-major with its inputs padded likewise.
/// </summary>
internal sealed class LatentWeights
{
    private const int Lanes = 8;

    public sealed record Layer(int Outputs, int OutputsPadded, float[] Transposed, float[] Bias);

    public sealed record LastLayer(int InputsPadded, int Outputs, float[] Weights, float[] Bias);

    public sealed record Rule(float PeakMv, float ResetMv);

    public required Layer[] Layers { get; init; }
    public required LastLayer Last { get; init; }
    public required int InputsPadded { get; init; }
    public required float[] VoltageDecay { get; init; }
    public required float[] VoltageGain { get; init; }
    public required float[] SpikeDecay { get; init; }
    public float[]? VoltageSpan { get; init; }
    public float[]? VoltageFold { get; init; }
    public float[]? SpikeSpan { get; init; }
    public float[]? SpikeFold { get; init; }
    public required float ThresholdMv { get; init; }

    /// <summary>A synaptic model's projection Wᵀ <c>[S, R]</c> (row s: synapse s's weight on each channel), and its input traces' decay and gain <c>[R × M]</c>.</summary>
    public float[]? InputProjection { get; init; }
    public float[]? InputDecay { get; init; }
    public float[]? InputGain { get; init; }
    public Rule? StructuralRule { get; init; }

    /// <exception cref="InputException">Not a latent one-step graph, or one that does not match the spec.</exception>
    public static LatentWeights Read(string modelPath, LatentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Onnx.ModelProto model;
        try
        {
            model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw InputException.About(modelPath, $"an ONNX model ({e.Message})");
        }
        var constants = model.Graph.Initializer
            .Where(t => t.DataType == (int)Onnx.TensorProto.Types.DataType.Float)
            .ToDictionary(t => t.Name, t => (Values: t.FloatData.ToArray(), Dims: t.Dims.ToArray()), StringComparer.Ordinal);
        var byStem = constants.GroupBy(c => LatentGraphNames.StemOf(c.Key)).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

        float[] Named(string stem, int length)
        {
            if (!byStem.TryGetValue(stem, out var found) || found.Length != 1 || found[0].Value.Values.Length != length)
            {
                throw InputException.BadValue(modelPath, stem,
                    $"a latent one-step graph with one constant '{stem}_N' of {length} values (the fused engine reads the graph's weights; --engine onnx runs any graph)");
            }
            return found[0].Value.Values;
        }

        // The same checks, and the same words, as ONNX Runtime's stepper: the graph's tensors against the card.
        var first = spec.IsSynaptic ? (OnnxLatentStepper.EventCountsInput, spec.CurrentsPerStep, "synapse count") : (OnnxLatentStepper.CurrentsInput, spec.CurrentsPerStep, "currents per step (k × input columns)");
        foreach (var (name, width, what) in new[] { first, (OnnxLatentStepper.StateInput, spec.StateSize, "state size") })
        {
            var tensor = model.Graph.Input.FirstOrDefault(i => i.Name == name)?.Type?.TensorType?.Shape?.Dim;
            if (tensor is null || tensor.Count != 2)
            {
                throw InputException.BadValue(modelPath, name, $"a latent one-step graph with a 2-D tensor '{name}' (the graph has {string.Join(", ", model.Graph.Input.Select(i => i.Name))})");
            }
            if (tensor[1].DimValue != width)
            {
                throw InputException.BadValue(modelPath, name, $"a graph that matches its card: the card's {what} is {width}, the graph's '{name}' is [N, {tensor[1].DimValue}]");
            }
        }
        var gemms = model.Graph.Node.Where(n => n.OpType == "Gemm").ToArray();
        if (gemms.Length < 2)
        {
            throw InputException.About(modelPath, $"a latent one-step graph of dense layers (it has {gemms.Length} Gemm nodes)");
        }
        var dense = gemms.Select(n => (W: constants[n.Input[1]], B: constants[n.Input[2]])).ToArray();
        int inputs = spec.NetworkInputs;
        if (dense[0].W.Dims[1] != inputs || dense[^1].W.Dims[0] != spec.NetworkOutputs)
        {
            throw InputException.About(modelPath,
                $"a graph that matches its card: the card's network reads {inputs} features and returns {spec.NetworkOutputs}, the graph's layers read {dense[0].W.Dims[1]} and return {dense[^1].W.Dims[0]}");
        }
        var layers = new Layer[dense.Length - 1];
        for (int i = 0; i < layers.Length; i++)
        {
            var (w, b) = dense[i];
            int outputs = (int)w.Dims[0], fanIn = (int)w.Dims[1], padded = Pad(outputs);
            var transposed = new float[fanIn * padded];
            for (int o = 0; o < outputs; o++)
            {
                for (int f = 0; f < fanIn; f++)
                {
                    transposed[f * padded + o] = w.Values[o * fanIn + f];
                }
            }
            var bias = new float[padded];
            b.Values.CopyTo(bias, 0);
            layers[i] = new Layer(outputs, padded, transposed, bias);
        }
        var (lw, lb) = dense[^1];
        int lastOutputs = (int)lw.Dims[0], lastInputs = (int)lw.Dims[1], lastPadded = Pad(lastInputs);
        var lastWeights = new float[lastOutputs * lastPadded];
        for (int o = 0; o < lastOutputs; o++)
        {
            Array.Copy(lw.Values, o * lastInputs, lastWeights, o * lastPadded, lastInputs);
        }
        int k = spec.StepFactor, kv = spec.VoltageMemory, ks = spec.SpikeMemory;
        var threshold = Named(LatentGraphNames.Threshold, 1)[0];
        return new LatentWeights
        {
            Layers = layers,
            Last = new LastLayer(lastPadded, lastOutputs, lastWeights, lb.Values.ToArray()),
            InputsPadded = Pad(inputs),
            VoltageDecay = Named(LatentGraphNames.VoltageDecay, kv),
            VoltageGain = Named(LatentGraphNames.VoltageGain, kv),
            SpikeDecay = Named(LatentGraphNames.SpikeDecay, ks),
            VoltageSpan = k > 1 ? Named(LatentGraphNames.VoltageSpan, kv) : null,
            VoltageFold = k > 1 ? Named(LatentGraphNames.VoltageFold, (k - 1) * kv) : null,
            SpikeSpan = k > 1 ? Named(LatentGraphNames.SpikeSpan, ks) : null,
            SpikeFold = k > 1 ? Named(LatentGraphNames.SpikeFold, (k - 1) * ks) : null,
            ThresholdMv = threshold,
            StructuralRule = spec.Rule is null ? null : new Rule(Named(LatentGraphNames.PeakMv, 1)[0], Named(LatentGraphNames.ResetMv, 1)[0]),
            InputProjection = spec.IsSynaptic ? Named(LatentGraphNames.InputProjection, spec.Synapses * spec.InputChannels) : null,
            InputDecay = spec.IsSynaptic ? Named(LatentGraphNames.InputDecay, spec.InputMemory) : null,
            InputGain = spec.IsSynaptic ? Named(LatentGraphNames.InputGain, spec.InputMemory) : null,
        };
    }

    private static int Pad(int n) => (n + Lanes - 1) / Lanes * Lanes;
}

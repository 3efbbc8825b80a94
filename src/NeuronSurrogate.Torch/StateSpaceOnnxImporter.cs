using Google.Protobuf;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;
using Onnx;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>
/// Rebuilds a TorchSharp <see cref="StateSpaceMlp"/> from a shipped one-step ONNX graph and its card (the weights are
/// the graph's <c>Gemm</c> initializers, in graph order), so the same trained model can run in TorchSharp too, doing the
/// same operations as the graph.
/// </summary>
public static class StateSpaceOnnxImporter
{
    /// <summary>Loads the model; the caller owns (disposes) it.</summary>
    /// <exception cref="InputException">The graph does not hold the layers the card describes.</exception>
    public static StateSpaceMlp Load(string onnxPath, StateSpaceModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnxPath));
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or IOException)
        {
            throw InputException.About(onnxPath, $"an ONNX model ({e.Message})");
        }
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name);
        var gemms = model.Graph.Node.Where(n => n.OpType == "Gemm").ToArray();
        if (gemms.Length != card.Hidden.Count + 1 || !Enum.TryParse<MlpActivation>(card.Activation, out var activation))
        {
            throw InputException.About(onnxPath,
                $"{card.Hidden.Count + 1} dense layers and a known activation as its card says (found {gemms.Length} Gemm nodes, activation '{card.Activation}')");
        }
        // The weights are the folded form (StateSpaceMlp.Folded): the module's own standardization is the identity.
        if (!model.MetadataProps.Any(p => p.Key == StateSpaceOnnxExporter.StandardizationKey && p.Value == StateSpaceOnnxExporter.FoldedStandardization))
        {
            throw InputException.About(onnxPath,
                $"a graph written by this version's exporter (metadata '{StateSpaceOnnxExporter.StandardizationKey}': standardization folded into the weights); re-export or retrain the model");
        }
        TorchRuntime.Initialize();
        var mlp = new StateSpaceMlp(new MlpSettings { Hidden = card.Hidden, Activation = activation }, StateSpaceScaling.Identity);
        using (no_grad())
        {
            for (int i = 0; i < gemms.Length; i++)
            {
                var layer = mlp.Layers[i];
                // Held until the copies are done: a temporary only the finalizer frees could be freed while libtorch reads it.
                using var weights = tensor(initializers[gemms[i].Input[1]].FloatData.ToArray(), layer.weight!.shape);
                using var biases = tensor(initializers[gemms[i].Input[2]].FloatData.ToArray(), layer.bias!.shape);
                layer.weight.copy_(weights);
                layer.bias.copy_(biases);
            }
        }
        mlp.eval();
        return mlp;
    }
}

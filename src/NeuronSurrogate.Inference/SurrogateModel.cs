using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Inference;

/// <summary>
/// Opens a shipped surrogate: the ONNX graph and the card beside it (same name, <c>.json</c>), as the kind of
/// <see cref="ISurrogate"/> the card's format names.
/// </summary>
public static class SurrogateModel
{
    /// <summary>Every kind the project serves: card format → how to open it. A new kind is one line here.</summary>
    private static readonly Dictionary<string, Func<string, string, OnnxProvider, Action<string>?, SurrogateEngine, ISurrogate>> Kinds = new(StringComparer.Ordinal)
    {
        [StateSpaceModelCard.FormatName] = (model, card, provider, warn, _) => new StateSpaceSurrogate(model, card, provider, warn),
        [VoltageLagModelCard.FormatName] = (model, card, provider, warn, _) => new VoltageLagSurrogate(model, card, provider, warn),
        [LatentModelCard.FormatName] = (model, card, provider, warn, engine) => new LatentSurrogate(model, card, provider, warn, engine),
    };

    /// <summary>Opens <paramref name="modelPath"/> and the card beside it, computed by <paramref name="engine"/> (the fastest by default).</summary>
    /// <exception cref="InputException">The graph or the card is missing, unreadable, of an unknown format, or they do not match.</exception>
    public static ISurrogate Open(string modelPath, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null, SurrogateEngine engine = SurrogateEngine.Fused)
    {
        if (string.IsNullOrWhiteSpace(modelPath) || !File.Exists(modelPath))
        {
            throw InputException.About(modelPath, "an existing ONNX model file");
        }
        string cardPath = Path.ChangeExtension(modelPath, ".json");
        string format = ModelCardFormat.Of(cardPath);
        if (!Kinds.TryGetValue(format, out var open))
        {
            throw InputException.InColumn(cardPath, "format", format, $"a card of format {string.Join(", ", Kinds.Keys)}");
        }
        return open(modelPath, cardPath, provider, warn, engine);
    }
}

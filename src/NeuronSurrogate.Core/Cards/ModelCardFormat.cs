using System.Text.Json;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Cards;

/// <summary>Tells the kinds of model card apart by their <c>format</c> field, before reading one as its type.</summary>
public static class ModelCardFormat
{
    /// <summary>The format named by a card file.</summary>
    /// <exception cref="InputException">The file is missing or is not JSON with a format.</exception>
    public static string Of(string path)
    {
        if (!File.Exists(path))
        {
            throw InputException.About(path, "an existing model card (JSON beside the ONNX file, same name)");
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String)
            {
                return format.GetString()!;
            }
        }
        catch (JsonException e)
        {
            throw InputException.AtLine(path, e.LineNumber + 1, $"a JSON model card ({e.Message})");
        }
        throw InputException.InColumn(path, "format", null, $"a model card with a \"format\" (such as {LatentModelCard.FormatName})");
    }
}

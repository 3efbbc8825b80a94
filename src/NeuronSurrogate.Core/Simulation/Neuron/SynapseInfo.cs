using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Simulation;

/// <summary>One row of a cell's synapse table: where an input sits and what it is (DESIGN section 12).</summary>
public sealed record SynapseInfo
{
    /// <summary>The synapse id: its index in the cell file's <c>synapses</c> list, and the events file's <c>synapse</c>.</summary>
    [JsonPropertyName("id")] public int Id { get; init; }

    /// <summary>The cell file's name for the input.</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";

    /// <summary><c>excitatory</c> or <c>inhibitory</c>.</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "";

    /// <summary>The section of its first point process.</summary>
    [JsonPropertyName("section")] public string Section { get; init; } = "";

    /// <summary>The position along the section (the segment's centre), 0 to 1.</summary>
    [JsonPropertyName("x")] public double X { get; init; }

    /// <summary>The path distance from the cell's soma (or recording site), µm.</summary>
    [JsonPropertyName("distance_um")] public double DistanceUm { get; init; }

    /// <summary>The length of its segment, µm (the synaptic input statistics scale each input's rate by it).</summary>
    [JsonPropertyName("length_um")] public double LengthUm { get; init; }

    /// <summary>Whether the input excites.</summary>
    [JsonIgnore] public bool IsExcitatory => Kind == "excitatory";

    /// <summary>The synapse-table CSV's header.</summary>
    public const string Header = "synapse,kind,section,x,distance_um,length_um,name";

    /// <summary>Writes a synapse table as CSV through a temporary file: <see cref="Header"/>, one row per synapse in id order.</summary>
    public static void WriteTable(string path, IReadOnlyList<SynapseInfo> synapses)
    {
        ArgumentNullException.ThrowIfNull(synapses);
        var text = new StringBuilder(Header).Append('\n');
        foreach (var s in synapses)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Id},{s.Kind},{s.Section},{s.X:R},{s.DistanceUm:R},{s.LengthUm:R},\"{s.Name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"\n");
        }
        AtomicFile.WriteText(path, text.ToString(), "synapse table");
    }
}

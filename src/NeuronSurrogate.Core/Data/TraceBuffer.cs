namespace NeuronSurrogate.Data;

/// <summary>
/// The rows of one trace read from a traces CSV: its key, its times, the numeric columns asked for, and
/// (when asked) every field of every row as text, for writing them back unchanged. Reused from trace to trace.
/// </summary>
public sealed class TraceBuffer
{
    internal TraceBuffer(IReadOnlyList<string> numericColumns, RowStore? rows)
    {
        NumericColumns = numericColumns;
        Numeric = numericColumns.Select(_ => new List<double>()).ToArray();
        Rows = rows;
    }

    /// <summary>The run of the trace.</summary>
    public long Run { get; internal set; }

    /// <summary>The neuron of the trace within its run.</summary>
    public long Neuron { get; internal set; }

    /// <summary>The file line of the trace's first row.</summary>
    public long? FirstLine { get; internal set; }

    /// <summary>The data row number of the trace's first row.</summary>
    public long FirstRow { get; internal set; }

    /// <summary>The times of the rows in ms, strictly increasing with a uniform step.</summary>
    public List<double> TimesMs { get; } = [];

    /// <summary>The numeric columns asked for, in the order they were asked for.</summary>
    public IReadOnlyList<string> NumericColumns { get; }

    /// <summary>The values of <see cref="NumericColumns"/>, one list per column, one value per row.</summary>
    public IReadOnlyList<List<double>> Numeric { get; }

    /// <summary>Every row as the file had it, when the reader keeps them (else null).</summary>
    public RowStore? Rows { get; }

    /// <summary>The number of rows (steps) of the trace.</summary>
    public int Count => TimesMs.Count;

    /// <summary>The time step in ms from the trace's first two rows, or NaN for a one-row trace.</summary>
    public double TimeStepMs => Count >= 2 ? TimesMs[1] - TimesMs[0] : double.NaN;

    /// <summary>The values of a numeric column asked for when the reader was opened.</summary>
    public List<double> Column(string name)
    {
        for (int i = 0; i < NumericColumns.Count; i++)
        {
            if (NumericColumns[i] == name)
            {
                return Numeric[i];
            }
        }
        throw new ArgumentException($"column '{name}' was not asked for when the reader was opened", nameof(name));
    }

    /// <summary>A copy of the trace that outlives the next <see cref="TraceReader.ReadTrace"/>.</summary>
    /// <param name="columns">The numeric columns to copy (asked for when the reader was opened).</param>
    public BufferedTrace Snapshot(IEnumerable<string> columns) =>
        new(Run, Neuron, FirstLine, FirstRow, [.. TimesMs], columns.ToDictionary(c => c, c => Column(c).ToArray()), Rows?.Copy());

    internal void Clear()
    {
        TimesMs.Clear();
        foreach (var list in Numeric)
        {
            list.Clear();
        }
        Rows?.Clear();
    }
}

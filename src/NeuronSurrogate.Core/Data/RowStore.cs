namespace NeuronSurrogate.Data;

/// <summary>
/// The rows of a trace as its input file had them, kept so that every column a command does not compute passes
/// through to its output: <see cref="TextRows"/> from a CSV file (the bytes), <see cref="ParquetRows"/> from a
/// Parquet file (the typed values).
/// </summary>
public abstract class RowStore
{
    /// <summary>The number of rows.</summary>
    public abstract int Count { get; }

    /// <summary>Forgets every row.</summary>
    public abstract void Clear();

    /// <summary>A copy that outlives the reader's next trace.</summary>
    public abstract RowStore Copy();
}

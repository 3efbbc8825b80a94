namespace NeuronSurrogate.Data;

/// <summary>A traces file's format, chosen by its extension: <c>.parquet</c> (or <c>.pq</c>) is Apache Parquet, anything else CSV.</summary>
public static class TraceFileFormat
{
    /// <summary>Whether <paramref name="path"/> names a Parquet file (standard input and output are CSV).</summary>
    public static bool IsParquet(string? path) =>
        path is not null && !AtomicFile.IsStandardStream(path)
        && (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pq", StringComparison.OrdinalIgnoreCase));
}

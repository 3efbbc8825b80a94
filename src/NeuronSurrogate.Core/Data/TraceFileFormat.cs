namespace NeuronSurrogate.Data;

/// <summary>A traces file's format, chosen by its extension: <c>.parquet</c> (or <c>.pq</c>) is Apache Parquet, anything else CSV.</summary>
public static class TraceFileFormat
{
    /// <summary>Whether <paramref name="path"/> names a Parquet file (standard input and output are CSV).</summary>
    public static bool IsParquet(string? path) =>
        path is not null && !AtomicFile.IsStandardStream(path)
        && (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pq", StringComparison.OrdinalIgnoreCase));
}

/// <summary>How every Parquet file of the project is read and written.</summary>
internal static class ParquetSettings
{
    /// <summary>
    /// Snappy compression (what pandas and polars write by default); the library's pools of free buffers capped at 8 MB
    /// (its default keeps up to 64 MB), so a streamed file's memory stays near the batches in flight.
    /// </summary>
    public static Parquet.ParquetOptions Options() => new()
    {
        CompressionMethod = Parquet.CompressionMethod.Snappy,
        MaximumLargePoolFreeBytes = 8 << 20,
        MaximumSmallPoolFreeBytes = 4 << 20,
    };
}

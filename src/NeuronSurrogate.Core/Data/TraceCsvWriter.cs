using CsvHelper;

namespace NeuronSurrogate.Data;

/// <summary>How every traces CSV of the project is written (DESIGN section 4): CsvHelper, invariant culture, LF line ends. <c>DatasetCsvWriter</c> writes a whole dataset with it.</summary>
public static class TraceCsvWriter
{
    /// <summary>The writer options every traces CSV of this project is written with.</summary>
    public static CsvWriterOptions Options { get; } = new() { NewLine = "\n", Separator = ',' };
}

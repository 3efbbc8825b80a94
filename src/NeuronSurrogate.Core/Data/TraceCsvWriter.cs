using CsvHelper;

namespace NeuronSurrogate.Data;

/// <summary>
/// How a traces CSV is written (DESIGN section 4): invariant culture, LF line ends, doubles as the shortest text that reads
/// back to the same value. <c>DatasetCsvWriter</c> (generate, the Train app's datasets) writes through CsvHelper with these
/// options; <c>simulate</c> and <c>predict</c>, which pass their input rows through, write the same format through
/// <see cref="Utf8CsvBuffer"/> (<see cref="TraceFileWriter"/>).
/// </summary>
public static class TraceCsvWriter
{
    /// <summary>The writer options every traces CSV of this project is written with.</summary>
    public static CsvWriterOptions Options { get; } = new() { NewLine = "\n", Separator = ',' };
}

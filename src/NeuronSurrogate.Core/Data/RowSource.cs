using System.Globalization;

namespace NeuronSurrogate.Data;

/// <summary>
/// The rows of a traces file for <see cref="TraceReader"/>, whatever its format: the header, then one row at a time
/// with its fields as integers, numbers or text, and where it is in the file for messages.
/// </summary>
internal abstract class RowSource : IDisposable
{
    /// <summary>The header's column names as the file has them.</summary>
    public abstract IReadOnlyList<string> Headers { get; }

    /// <summary>The fields of the current row (a CSV row may have too many or too few).</summary>
    public abstract int FieldCount { get; }

    /// <summary>The file line of the current row, where the format has lines.</summary>
    public abstract long? Line { get; }

    /// <summary>The stream's length in bytes, where known.</summary>
    public abstract long? Length { get; }

    /// <summary>Bytes read so far.</summary>
    public abstract long BytesRead { get; }

    /// <summary>Moves to the next row.</summary>
    /// <exception cref="FormatException">The row is malformed.</exception>
    public abstract bool Read();

    /// <summary>Field <paramref name="column"/> as an integer.</summary>
    public abstract bool TryInteger(int column, out long value);

    /// <summary>Field <paramref name="column"/> as a number.</summary>
    public abstract bool TryNumber(int column, out double value);

    /// <summary>Field <paramref name="column"/> as text, for messages.</summary>
    public abstract string Text(int column);

    /// <summary>A store for the rows that pass through, of the kind this source fills.</summary>
    public abstract RowStore NewStore();

    /// <summary>Appends the current row to <paramref name="store"/> (made by <see cref="NewStore"/>).</summary>
    public abstract void Keep(RowStore store);

    /// <inheritdoc />
    public abstract void Dispose();
}

/// <summary>A CSV file's rows (<see cref="Utf8CsvReader"/>).</summary>
internal sealed class CsvRowSource : RowSource
{
    private readonly Utf8CsvReader _csv;

    public CsvRowSource(Utf8CsvReader csv, string file)
    {
        _csv = csv;
        bool any;
        try
        {
            any = csv.Read();
        }
        catch (FormatException e)
        {
            csv.Dispose();
            throw InputException.AtLine(file, csv.LineNumber, $"a well-formed header row ({e.Message})");
        }
        Headers = any ? [.. Enumerable.Range(0, csv.FieldCount).Select(csv.FieldString)] : [];
    }

    public override IReadOnlyList<string> Headers { get; }

    public override int FieldCount => _csv.FieldCount;

    public override long? Line => _csv.LineNumber;

    public override long? Length => _csv.Length;

    public override long BytesRead => _csv.BytesRead;

    public override bool Read() => _csv.Read();

    public override bool TryInteger(int column, out long value) =>
        long.TryParse(_csv.Field(column), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    public override bool TryNumber(int column, out double value) =>
        double.TryParse(_csv.Field(column), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    public override string Text(int column) => _csv.FieldString(column);

    public override RowStore NewStore() => new TextRows();

    public override void Keep(RowStore store) => ((TextRows)store).Add(_csv.RawRow);

    public override void Dispose() => _csv.Dispose();
}

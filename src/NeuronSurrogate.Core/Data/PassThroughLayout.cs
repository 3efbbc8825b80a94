namespace NeuronSurrogate.Data;

/// <summary>The values a command adds to each row it passes through (<see cref="PassThroughLayout"/>).</summary>
public interface IRowValues
{
    /// <summary>Writes the value of new column <paramref name="slot"/> (in the order the layout was given them) for row <paramref name="row"/>.</summary>
    void Write(Utf8CsvBuffer buffer, int slot, int row);
}

/// <summary>
/// How an output row is made from an input row (DESIGN section 4): every input column passes through as the file
/// had it, byte for byte, and each new column either replaces the input column of its name in place or is appended.
/// </summary>
public sealed class PassThroughLayout
{
    private readonly int _inputColumns;
    private readonly int[] _slotOf;
    private readonly bool _appendOnly;

    /// <summary>Builds the output header from <paramref name="inputHeaders"/> and the new columns, in order.</summary>
    public PassThroughLayout(IReadOnlyList<string> inputHeaders, IReadOnlyList<string> newColumns)
    {
        ArgumentNullException.ThrowIfNull(inputHeaders);
        ArgumentNullException.ThrowIfNull(newColumns);
        var headers = inputHeaders.ToList();
        _inputColumns = headers.Count;
        var columns = newColumns.Select(c => TraceColumns.IndexOrAppend(headers, c)).ToArray();
        Headers = headers;
        _slotOf = Enumerable.Repeat(-1, headers.Count).ToArray();
        for (int slot = 0; slot < columns.Length; slot++)
        {
            _slotOf[columns[slot]] = slot;
        }
        _appendOnly = columns.All(c => c >= _inputColumns);
    }

    /// <summary>The output header.</summary>
    public IReadOnlyList<string> Headers { get; }

    /// <summary>Writes the output row of row <paramref name="row"/> of <paramref name="input"/> (a CSV row as the file had it, a Parquet row formatted).</summary>
    public void Write<T>(Utf8CsvBuffer buffer, RowStore input, int row, ref T values, int index) where T : struct, IRowValues
    {
        ArgumentNullException.ThrowIfNull(buffer);
        switch (input)
        {
            case TextRows text:
                Write(buffer, text[row], ref values, index);
                break;
            case ParquetRows parquet:
                for (int column = 0; column < _slotOf.Length; column++)
                {
                    if (column > 0)
                    {
                        buffer.Comma();
                    }
                    if (_slotOf[column] >= 0)
                    {
                        values.Write(buffer, _slotOf[column], index);
                    }
                    else
                    {
                        parquet.WriteCsv(buffer, row, column);
                    }
                }
                buffer.NewLine();
                break;
            default:
                throw new ArgumentException($"rows of type {input?.GetType().Name}", nameof(input));
        }
    }

    /// <summary>Writes one output row and its line end.</summary>
    /// <param name="buffer">Where to write.</param>
    /// <param name="row">The input row as the file had it.</param>
    /// <param name="values">The new columns' values.</param>
    /// <param name="index">The row's index, handed to <paramref name="values"/>.</param>
    public void Write<T>(Utf8CsvBuffer buffer, ReadOnlySpan<byte> row, ref T values, int index) where T : struct, IRowValues
    {
        if (_appendOnly)
        {
            buffer.Raw(row);
            for (int column = _inputColumns; column < _slotOf.Length; column++)
            {
                buffer.Comma();
                values.Write(buffer, _slotOf[column], index);
            }
        }
        else
        {
            Span<Range> fields = stackalloc Range[_inputColumns];
            Utf8CsvReader.SplitRaw(row, fields);
            for (int column = 0; column < _slotOf.Length; column++)
            {
                if (column > 0)
                {
                    buffer.Comma();
                }
                if (_slotOf[column] >= 0)
                {
                    values.Write(buffer, _slotOf[column], index);
                }
                else
                {
                    buffer.Raw(row[fields[column]]);
                }
            }
        }
        buffer.NewLine();
    }
}

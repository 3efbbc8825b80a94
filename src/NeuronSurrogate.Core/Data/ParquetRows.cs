using System.Globalization;

namespace NeuronSurrogate.Data;

/// <summary>One row group of a Parquet traces file: one typed array per column (nullable element types where the column is).</summary>
public sealed class ParquetColumns(IReadOnlyList<Array> columns, int rows)
{
    /// <summary>The columns, in the file's order.</summary>
    public IReadOnlyList<Array> Columns { get; } = columns;

    /// <summary>The rows of the group.</summary>
    public int Rows { get; } = rows;
}

/// <summary>The rows of a trace read from a Parquet file: slices of the row groups they lie in, not copies.</summary>
public sealed class ParquetRows : RowStore
{
    private readonly List<(ParquetColumns Group, int Start, int Count)> _segments = [];
    private int _count;

    /// <inheritdoc />
    public override int Count => _count;

    /// <summary>The slices, in row order.</summary>
    public IReadOnlyList<(ParquetColumns Group, int Start, int Count)> Segments => _segments;

    /// <summary>Appends row <paramref name="row"/> of <paramref name="group"/>.</summary>
    public void Add(ParquetColumns group, int row)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (_segments.Count > 0 && _segments[^1].Group == group && _segments[^1].Start + _segments[^1].Count == row)
        {
            var last = _segments[^1];
            _segments[^1] = (last.Group, last.Start, last.Count + 1);
        }
        else
        {
            _segments.Add((group, row, 1));
        }
        _count++;
    }

    /// <summary>Appends rows <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1 of <paramref name="group"/>.</summary>
    public void AddRange(ParquetColumns group, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (count <= 0)
        {
            return;
        }
        if (_segments.Count > 0 && _segments[^1].Group == group && _segments[^1].Start + _segments[^1].Count == start)
        {
            var last = _segments[^1];
            _segments[^1] = (last.Group, last.Start, last.Count + count);
        }
        else
        {
            _segments.Add((group, start, count));
        }
        _count += count;
    }

    /// <summary>Column <paramref name="column"/>'s value at <paramref name="row"/> of the trace (boxed; null where the file has none).</summary>
    public object? Value(int row, int column)
    {
        foreach (var (group, start, count) in _segments)
        {
            if (row < count)
            {
                return group.Columns[column].GetValue(start + row);
            }
            row -= count;
        }
        throw new ArgumentOutOfRangeException(nameof(row));
    }

    /// <summary>Column <paramref name="column"/> of the trace copied into <paramref name="target"/> (of the column's element type) from <paramref name="offset"/>.</summary>
    public void CopyColumn(int column, Array target, int offset)
    {
        ArgumentNullException.ThrowIfNull(target);
        foreach (var (group, start, count) in _segments)
        {
            Array.Copy(group.Columns[column], start, target, offset, count);
            offset += count;
        }
    }

    /// <summary>Writes column <paramref name="column"/>'s value at <paramref name="row"/> as a CSV field (empty where the file has none).</summary>
    public void WriteCsv(Utf8CsvBuffer buffer, int row, int column)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        foreach (var (group, start, count) in _segments)
        {
            if (row >= count)
            {
                row -= count;
                continue;
            }
            int i = start + row;
            switch (group.Columns[column])
            {
                case double[] a:
                    buffer.Number(a[i]);
                    return;
                case long[] a:
                    buffer.Whole(a[i]);
                    return;
                case int[] a:
                    buffer.Whole(a[i]);
                    return;
                case double?[] a:
                    if (a[i] is { } d)
                    {
                        buffer.Number(d);
                    }
                    return;
                case int?[] a:
                    if (a[i] is { } n)
                    {
                        buffer.Whole(n);
                    }
                    return;
                case var other:
                    Boxed(buffer, other.GetValue(i));
                    return;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(row));
    }

    private static void Boxed(Utf8CsvBuffer buffer, object? value)
    {
        switch (value)
        {
            case null:
                break;
            case float f:
                buffer.Text(f.ToString("R", CultureInfo.InvariantCulture));
                break;
            case string text:
                buffer.Text(text);
                break;
            case bool b:
                buffer.Byte(b ? (byte)'1' : (byte)'0');
                break;
            case IFormattable number:
                buffer.Text(number.ToString(null, CultureInfo.InvariantCulture));
                break;
            case var other:
                buffer.Text(other.ToString() ?? "");
                break;
        }
    }

    /// <inheritdoc />
    public override void Clear()
    {
        _segments.Clear();
        _count = 0;
    }

    /// <inheritdoc />
    public override RowStore Copy()
    {
        var copy = new ParquetRows();
        copy._segments.AddRange(_segments);
        copy._count = _count;
        return copy;
    }
}

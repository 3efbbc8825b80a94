using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace NeuronSurrogate.Data;

/// <summary>
/// A Parquet traces file's rows (DESIGN section 4, the same columns as the CSV contract), read one row group at a time
/// into typed arrays. Columns of numbers (any width, nullable or not), booleans and text are read; nested and other
/// columns are refused with the column's name.
/// </summary>
internal sealed class ParquetRowSource : RowSource
{
    private readonly Stream _stream;
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;
    private readonly string _file;
    private readonly long _totalRows;
    private ParquetColumns? _group;
    private int _groupIndex = -1, _row = -1;
    private long _rowsRead;

    private ParquetRowSource(Stream stream, ParquetReader reader, string file)
    {
        _stream = stream;
        _reader = reader;
        _file = file;
        _fields = reader.Schema.GetDataFields();
        foreach (var field in reader.Schema.Fields)
        {
            if (field is not DataField data || data.IsArray || !(IsText(data) || Readable(data.ClrType)))
            {
                throw InputException.InHeader(file, field.Name, $"columns of numbers, booleans or text (column '{field.Name}' is {field.SchemaType} {(field as DataField)?.ClrType.Name})");
            }
        }
        Headers = [.. _fields.Select(f => f.Name)];
        _totalRows = Enumerable.Range(0, reader.RowGroupCount).Sum(i => reader.RowGroups[i].RowCount);
    }

    /// <summary>Opens a Parquet file.</summary>
    /// <exception cref="InputException">The file is not Parquet or has a column this reader cannot take.</exception>
    public static ParquetRowSource Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            var reader = ParquetReader.CreateAsync(stream, ParquetSettings.Options(), leaveStreamOpen: true).GetAwaiter().GetResult();
            try
            {
                return new ParquetRowSource(stream, reader, path);
            }
            catch
            {
                reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
        }
        catch (Exception e) when (e is not InputException and not OutOfMemoryException)
        {
            stream.Dispose();
            throw InputException.About(path, $"a Parquet file ({ExceptionMessages.OneLine(e)})");
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether a column holds text (Parquet.Net types a string column as <c>ReadOnlyMemory&lt;char&gt;</c> in places).</summary>
    public static bool IsText(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    private static bool Readable(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is var t
        && (t == typeof(double) || t == typeof(float) || t == typeof(long) || t == typeof(int) || t == typeof(short) || t == typeof(sbyte)
            || t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(bool) || t == typeof(string));

    public override IReadOnlyList<string> Headers { get; }

    public override int FieldCount => _fields.Length;

    public override long? Line => null;

    public override long? Length => _totalRows;

    public override long BytesRead => _rowsRead;

    public override bool Read()
    {
        while (_group is null || _row + 1 >= _group.Rows)
        {
            if (_groupIndex + 1 >= _reader.RowGroupCount)
            {
                return false;
            }
            _groupIndex++;
            _group = ReadGroup(_groupIndex);
            _row = -1;
        }
        _row++;
        _rowsRead++;
        return true;
    }

    private ParquetColumns ReadGroup(int index)
    {
        using var group = _reader.OpenRowGroupReader(index);
        int rows = checked((int)group.RowCount);
        var columns = new Array[_fields.Length];
        try
        {
            for (int c = 0; c < _fields.Length; c++)
            {
                columns[c] = ReadColumn(group, _fields[c], rows);
            }
        }
        catch (Exception e) when (e is not InputException and not OutOfMemoryException)
        {
            throw InputException.About(_file, $"a readable Parquet file (row group {index}: {ExceptionMessages.OneLine(e)})");
        }
        return new ParquetColumns(columns, rows);
    }

    private static Array ReadColumn(ParquetRowGroupReader group, DataField field, int rows)
    {
        var type = field.ClrType;
        if (IsText(field))
        {
            var text = new string?[rows];
            group.ReadAsync(field, text.AsMemory(), null, default).AsTask().GetAwaiter().GetResult();
            return text;
        }
        return field.IsNullable ? ReadNullable(group, field, type, rows) : ReadPlain(group, field, type, rows);
    }

    private static Array ReadPlain(ParquetRowGroupReader group, DataField field, Type type, int rows) => type switch
    {
        _ when type == typeof(double) => Read<double>(group, field, rows),
        _ when type == typeof(float) => Read<float>(group, field, rows),
        _ when type == typeof(long) => Read<long>(group, field, rows),
        _ when type == typeof(int) => Read<int>(group, field, rows),
        _ when type == typeof(short) => Read<short>(group, field, rows),
        _ when type == typeof(sbyte) => Read<sbyte>(group, field, rows),
        _ when type == typeof(byte) => Read<byte>(group, field, rows),
        _ when type == typeof(ushort) => Read<ushort>(group, field, rows),
        _ when type == typeof(uint) => Read<uint>(group, field, rows),
        _ => Read<bool>(group, field, rows),
    };

    private static Array ReadNullable(ParquetRowGroupReader group, DataField field, Type type, int rows) => type switch
    {
        _ when type == typeof(double) => ReadNull<double>(group, field, rows),
        _ when type == typeof(float) => ReadNull<float>(group, field, rows),
        _ when type == typeof(long) => ReadNull<long>(group, field, rows),
        _ when type == typeof(int) => ReadNull<int>(group, field, rows),
        _ when type == typeof(short) => ReadNull<short>(group, field, rows),
        _ when type == typeof(sbyte) => ReadNull<sbyte>(group, field, rows),
        _ when type == typeof(byte) => ReadNull<byte>(group, field, rows),
        _ when type == typeof(ushort) => ReadNull<ushort>(group, field, rows),
        _ when type == typeof(uint) => ReadNull<uint>(group, field, rows),
        _ => ReadNull<bool>(group, field, rows),
    };

    private static T[] Read<T>(ParquetRowGroupReader group, DataField field, int rows) where T : struct
    {
        var values = new T[rows];
        group.ReadAsync(field, values.AsMemory(), null, default).AsTask().GetAwaiter().GetResult();
        return values;
    }

    private static T?[] ReadNull<T>(ParquetRowGroupReader group, DataField field, int rows) where T : struct
    {
        var values = new T?[rows];
        group.ReadAsync(field, values.AsMemory(), null, default).AsTask().GetAwaiter().GetResult();
        return values;
    }

    public override bool TryInteger(int column, out long value)
    {
        switch (_group!.Columns[column])
        {
            case long[] a:
                value = a[_row];
                return true;
            case int[] a:
                value = a[_row];
                return true;
            case var other when TryNumber(other, out double number) && number == Math.Floor(number) && Math.Abs(number) < 9e15:
                value = (long)number;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    public override bool TryNumber(int column, out double value) => TryNumber(_group!.Columns[column], out value);

    private bool TryNumber(Array column, out double value)
    {
        object? boxed = column switch
        {
            double[] a => a[_row],
            float[] a => (double)a[_row],
            long[] a => (double)a[_row],
            int[] a => (double)a[_row],
            _ => column.GetValue(_row),
        };
        switch (boxed)
        {
            case double d:
                value = d;
                return true;
            case string text:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            case bool b:
                value = b ? 1 : 0;
                return true;
            case IConvertible number:
                value = number.ToDouble(CultureInfo.InvariantCulture);
                return true;
            default:
                value = double.NaN;
                return false;
        }
    }

    public override string Text(int column) => _group!.Columns[column].GetValue(_row) switch
    {
        null => "",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var v => v.ToString() ?? "",
    };

    /// <summary>
    /// The current row group's rows from the one after the current row on, where the run, neuron, time and
    /// <paramref name="numeric"/> columns are plain int64 and double arrays (else false): what the reader's bulk path reads.
    /// </summary>
    public bool TryColumns(int run, int neuron, int time, int[] numeric, out ParquetColumns group, out long[] runs, out long[] neurons,
        out double[] times, out double[][] values, out int next)
    {
        group = _group!;
        next = _row + 1;
        runs = group.Columns[run] as long[] ?? [];
        neurons = group.Columns[neuron] as long[] ?? [];
        times = group.Columns[time] as double[] ?? [];
        values = new double[numeric.Length][];
        for (int i = 0; i < numeric.Length; i++)
        {
            if (group.Columns[numeric[i]] is not double[] column)
            {
                return false;
            }
            values[i] = column;
        }
        return runs.Length == group.Rows && neurons.Length == group.Rows && times.Length == group.Rows;
    }

    /// <summary>Moves past <paramref name="rows"/> rows of the current group that the reader's bulk path took.</summary>
    public void Skip(int rows)
    {
        _row += rows;
        _rowsRead += rows;
    }

    public override RowStore NewStore() => new ParquetRows();

    public override void Keep(RowStore store) => ((ParquetRows)store).Add(_group!, _row);

    public override void Dispose()
    {
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Dispose();
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;

namespace NeuronSurrogate.Data;

/// <summary>
/// Reads a comma-separated UTF-8 file row by row without making a string per field: each row is found with a
/// vectorized search for the line end, split at commas, and its fields are handed out as byte spans (raw, as in the
/// file, or unquoted). Follows RFC 4180 on one line: a field may be quoted, <c>""</c> is a quote inside it, and a
/// line break inside quotes is an error. Empty lines are skipped, a UTF-8 byte order mark and <c>\r\n</c> line ends
/// are accepted. Line and data-row numbers are tracked for error messages.
/// </summary>
public sealed class Utf8CsvReader : IDisposable
{
    /// <summary>The longest row accepted, in bytes.</summary>
    public const int MaxRowBytes = 1 << 20;

    private static readonly SearchValues<byte> QuoteOrComma = SearchValues.Create(","u8 + "\""u8);

    private readonly Stream _stream;
    private byte[] _buffer = new byte[1 << 20];
    private int _start, _end;
    private bool _eof, _first = true;
    private int _rowStart, _rowLength;
    private int[] _fieldStart = new int[16], _fieldLength = new int[16];
    private bool[] _quoted = new bool[16];
    private byte[] _scratch = new byte[256];
    private long _nextLine = 1;

    /// <summary>Reads <paramref name="stream"/>, which the reader owns and disposes.</summary>
    public Utf8CsvReader(Stream stream) => _stream = stream ?? throw new ArgumentNullException(nameof(stream));

    /// <summary>Opens a file for sequential reading.</summary>
    public static Utf8CsvReader FromFile(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan));

    /// <summary>The file line the current row is on (1-based).</summary>
    public long LineNumber { get; private set; }

    /// <summary>Rows read so far, the header included.</summary>
    public long RowsRead { get; private set; }

    /// <summary>The stream's length where it has one (a file), else null.</summary>
    public long? Length => _stream.CanSeek ? _stream.Length : null;

    /// <summary>Bytes read from the stream so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The fields of the current row.</summary>
    public int FieldCount { get; private set; }

    /// <summary>The current row as in the file, without its line end.</summary>
    public ReadOnlySpan<byte> RawRow => _buffer.AsSpan(_rowStart, _rowLength);

    /// <summary>Whether any field of the current row is quoted.</summary>
    public bool RowHasQuotes { get; private set; }

    /// <summary>Field <paramref name="index"/> as in the file (quotes included).</summary>
    public ReadOnlySpan<byte> RawField(int index) => _buffer.AsSpan(_fieldStart[index], _fieldLength[index]);

    /// <summary>Field <paramref name="index"/> unquoted (valid until the next call on this reader).</summary>
    public ReadOnlySpan<byte> Field(int index)
    {
        var raw = RawField(index);
        return _quoted[index] ? Unquote(raw, ref _scratch) : raw;
    }

    /// <summary>Field <paramref name="index"/> unquoted, as a string.</summary>
    public string FieldString(int index) => Encoding.UTF8.GetString(Field(index));

    /// <summary>Moves to the next non-empty row.</summary>
    /// <returns>False at the end of the stream.</returns>
    /// <exception cref="FormatException">The row is malformed (the message says how); <see cref="LineNumber"/> names its line.</exception>
    public bool Read()
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline < 0 && !_eof)
            {
                Fill();
                continue;
            }
            int length = newline < 0 ? _end - _start : newline;
            if (newline < 0 && length == 0)
            {
                return false;
            }
            LineNumber = _nextLine++;
            // A byte order mark counts only before the first line.
            _first = false;
            _rowStart = _start;
            _start += newline < 0 ? length : length + 1;
            if (length > 0 && _buffer[_rowStart + length - 1] == (byte)'\r')
            {
                length--;
            }
            if (length == 0)
            {
                continue;
            }
            _rowLength = length;
            RowsRead++;
            Split();
            return true;
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxRowBytes + 2)
            {
                LineNumber = _nextLine;
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"rows of at most {MaxRowBytes:N0} bytes (this one is longer)"));
            }
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxRowBytes + 2));
        }
        int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }
        _end += read;
        BytesRead += read;
        if (_first && _end - _start >= 3)
        {
            _first = false;
            if (_buffer.AsSpan(_start, 3).SequenceEqual("\uFEFF"u8))
            {
                _start += 3;
            }
        }
        else if (_eof)
        {
            _first = false;
        }
    }

    private void Split()
    {
        var row = RawRow;
        int fields = 0;
        RowHasQuotes = row.Contains((byte)'"');
        if (!RowHasQuotes)
        {
            int position = 0;
            while (true)
            {
                int comma = row[position..].IndexOf((byte)',');
                int length = comma < 0 ? row.Length - position : comma;
                Add(ref fields, _rowStart + position, length, quoted: false);
                if (comma < 0)
                {
                    break;
                }
                position += comma + 1;
            }
        }
        else
        {
            int position = 0;
            while (true)
            {
                if (position < row.Length && row[position] == (byte)'"')
                {
                    int close = ClosingQuote(row, position + 1);
                    int after = close + 1;
                    if (after < row.Length && row[after] != (byte)',')
                    {
                        throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                            $"a comma or the line end after the closing quote of field {fields + 1}"));
                    }
                    Add(ref fields, _rowStart + position, after - position, quoted: true);
                    if (after >= row.Length)
                    {
                        break;
                    }
                    position = after + 1;
                }
                else
                {
                    int next = row[position..].IndexOfAny(QuoteOrComma);
                    if (next >= 0 && row[position + next] == (byte)'"')
                    {
                        throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                            $"a quote only around a whole field (field {fields + 1} has one inside it)"));
                    }
                    int length = next < 0 ? row.Length - position : next;
                    Add(ref fields, _rowStart + position, length, quoted: false);
                    if (next < 0)
                    {
                        break;
                    }
                    position += next + 1;
                }
            }
        }
        FieldCount = fields;
    }

    private static int ClosingQuote(ReadOnlySpan<byte> row, int from)
    {
        int position = from;
        while (true)
        {
            int quote = row[position..].IndexOf((byte)'"');
            if (quote < 0)
            {
                throw new FormatException("a closing quote on the same line (line breaks inside quoted fields are not allowed)");
            }
            position += quote;
            if (position + 1 < row.Length && row[position + 1] == (byte)'"')
            {
                position += 2;
                continue;
            }
            return position;
        }
    }

    private void Add(ref int fields, int start, int length, bool quoted)
    {
        if (fields == _fieldStart.Length)
        {
            Array.Resize(ref _fieldStart, fields * 2);
            Array.Resize(ref _fieldLength, fields * 2);
            Array.Resize(ref _quoted, fields * 2);
        }
        _fieldStart[fields] = start;
        _fieldLength[fields] = length;
        _quoted[fields] = quoted;
        fields++;
    }

    /// <summary>The value of a quoted field: without its quotes, <c>""</c> read as one quote.</summary>
    public static ReadOnlySpan<byte> Unquote(ReadOnlySpan<byte> raw, ref byte[] scratch)
    {
        var inner = raw[1..^1];
        if (!inner.Contains((byte)'"'))
        {
            return inner;
        }
        if (scratch.Length < inner.Length)
        {
            scratch = new byte[inner.Length * 2];
        }
        int written = 0;
        for (int i = 0; i < inner.Length; i++)
        {
            scratch[written++] = inner[i];
            if (inner[i] == (byte)'"')
            {
                i++;
            }
        }
        return scratch.AsSpan(0, written);
    }

    /// <summary>Splits one raw row (as <see cref="RawRow"/> gives it) into its fields' ranges, quotes included.</summary>
    /// <returns>The number of fields written to <paramref name="fields"/>.</returns>
    public static int SplitRaw(ReadOnlySpan<byte> row, Span<Range> fields)
    {
        int count = 0, position = 0;
        while (true)
        {
            int end;
            if (position < row.Length && row[position] == (byte)'"')
            {
                end = ClosingQuote(row, position + 1) + 1;
            }
            else
            {
                int comma = row[position..].IndexOf((byte)',');
                end = comma < 0 ? row.Length : position + comma;
            }
            fields[count++] = new Range(position, end);
            if (end >= row.Length)
            {
                return count;
            }
            position = end + 1;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}

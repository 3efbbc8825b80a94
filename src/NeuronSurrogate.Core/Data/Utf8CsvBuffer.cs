using System.Globalization;
using System.Text;

namespace NeuronSurrogate.Data;

/// <summary>
/// A growable UTF-8 buffer that CSV rows are formatted into (DESIGN section 4: invariant culture, LF line ends,
/// doubles as the shortest text that reads back to the same value), then copied to a stream in one write. Blocks of
/// traces are formatted into their own buffers on several threads and written in order, so the bytes do not depend
/// on the thread count.
/// </summary>
public sealed class Utf8CsvBuffer
{
    private byte[] _bytes;

    /// <summary>An empty buffer of <paramref name="capacity"/> bytes to start with.</summary>
    public Utf8CsvBuffer(int capacity = 1 << 16) => _bytes = new byte[Math.Max(64, capacity)];

    /// <summary>The bytes written so far.</summary>
    public int Length { get; private set; }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    /// <summary>Forgets what was written, keeping the memory.</summary>
    public void Clear() => Length = 0;

    /// <summary>Copies what was written to <paramref name="stream"/> and clears the buffer.</summary>
    public void CopyTo(Stream stream)
    {
        stream.Write(_bytes, 0, Length);
        Length = 0;
    }

    /// <summary>Appends bytes as they are.</summary>
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        Length += bytes.Length;
    }

    /// <summary>Appends one byte (a comma, a newline, a 0/1 flag).</summary>
    public void Byte(byte value)
    {
        if (Length == _bytes.Length)
        {
            Grow(1);
        }
        _bytes[Length++] = value;
    }

    /// <summary>Appends a comma.</summary>
    public void Comma() => Byte((byte)',');

    /// <summary>Appends the line end.</summary>
    public void NewLine() => Byte((byte)'\n');

    /// <summary>Appends a double as the shortest invariant text that reads back to it (what <c>ToString("R")</c> gives).</summary>
    public void Number(double value)
    {
        int written;
        while (!value.TryFormat(Reserve(32), out written, "R", CultureInfo.InvariantCulture))
        {
            Grow(64);
        }
        Length += written;
    }

    /// <summary>Appends an integer.</summary>
    public void Whole(long value)
    {
        value.TryFormat(Reserve(24), out int written, default, CultureInfo.InvariantCulture);
        Length += written;
    }

    /// <summary>Appends a text field, quoted (RFC 4180) where it holds a comma, a quote, a line break or edge spaces.</summary>
    public void Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        bool quote = value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])));
        if (quote)
        {
            Byte((byte)'"');
            Utf8(value.Replace("\"", "\"\"", StringComparison.Ordinal));
            Byte((byte)'"');
        }
        else
        {
            Utf8(value);
        }
    }

    private void Utf8(string value)
    {
        int bytes = Encoding.UTF8.GetByteCount(value);
        Encoding.UTF8.GetBytes(value, Reserve(bytes));
        Length += bytes;
    }

    /// <summary>Appends a header row.</summary>
    public void Header(IEnumerable<string> names)
    {
        bool first = true;
        foreach (var name in names)
        {
            if (!first)
            {
                Comma();
            }
            Text(name);
            first = false;
        }
        NewLine();
    }

    private Span<byte> Reserve(int bytes)
    {
        if (_bytes.Length - Length < bytes)
        {
            Grow(bytes);
        }
        return _bytes.AsSpan(Length);
    }

    private void Grow(int bytes) => Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + bytes));
}

namespace NeuronSurrogate.Data;

/// <summary>
/// The rows of a trace exactly as the input file had them (UTF-8, without line ends), kept so that the columns a
/// command does not read pass through to its output byte for byte. One array holds every row.
/// </summary>
public sealed class TextRows : RowStore
{
    private byte[] _bytes;
    private int[] _ends;

    /// <summary>An empty set with room for about <paramref name="rows"/> rows.</summary>
    public TextRows(int rows = 256)
    {
        _ends = new int[Math.Max(4, rows)];
        _bytes = new byte[Math.Max(64, rows * 32)];
    }

    private TextRows(byte[] bytes, int[] ends, int count)
    {
        _bytes = bytes;
        _ends = ends;
        _count = count;
    }

    /// <inheritdoc />
    public override int Count => _count;

    private int _count;

    /// <summary>Row <paramref name="index"/> as in the file.</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            int start = index == 0 ? 0 : _ends[index - 1];
            return _bytes.AsSpan(start, _ends[index] - start);
        }
    }

    /// <summary>Appends a row.</summary>
    public void Add(ReadOnlySpan<byte> row)
    {
        int start = Count == 0 ? 0 : _ends[Count - 1];
        if (_bytes.Length - start < row.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, start + row.Length));
        }
        if (Count == _ends.Length)
        {
            Array.Resize(ref _ends, Count * 2);
        }
        row.CopyTo(_bytes.AsSpan(start));
        _ends[_count++] = start + row.Length;
    }

    /// <inheritdoc />
    public override void Clear() => _count = 0;

    /// <inheritdoc />
    public override RowStore Copy()
    {
        int bytes = Count == 0 ? 0 : _ends[Count - 1];
        return new TextRows(_bytes.AsSpan(0, bytes).ToArray(), _ends.AsSpan(0, Count).ToArray(), Count);
    }
}

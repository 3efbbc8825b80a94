namespace NeuronSurrogate.Data;

/// <summary>
/// Formats the rows of a batch of traces on every core, each group of traces into its own buffer, and writes the
/// buffers in trace order: the file's bytes do not depend on the thread count. The buffers are kept from batch to batch.
/// </summary>
public sealed class OrderedCsvWriter(Stream stream)
{
    private readonly Stream _stream = stream ?? throw new ArgumentNullException(nameof(stream));
    private readonly List<Utf8CsvBuffer> _buffers = [];

    /// <summary>Formats traces 0…<paramref name="traces"/>−1 with <paramref name="format"/> (called once per trace, from several threads) and writes them in order.</summary>
    public void Write(int traces, Action<int, Utf8CsvBuffer> format)
    {
        ArgumentNullException.ThrowIfNull(format);
        int groups = Math.Min(traces, Environment.ProcessorCount * 2);
        while (_buffers.Count < groups)
        {
            _buffers.Add(new Utf8CsvBuffer(1 << 20));
        }
        Parallel.For(0, groups, g =>
        {
            var buffer = _buffers[g];
            buffer.Clear();
            for (int trace = (int)((long)traces * g / groups); trace < (int)((long)traces * (g + 1) / groups); trace++)
            {
                format(trace, buffer);
            }
        });
        for (int g = 0; g < groups; g++)
        {
            _buffers[g].CopyTo(_stream);
        }
    }
}

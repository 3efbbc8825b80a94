namespace NeuronSurrogate.Data;

/// <summary>
/// A copy of one trace read by <see cref="TraceReader"/>, kept after the reader moves on to the next (until the batch it
/// joins is simulated or predicted): its key, where it starts in the file, its times, the numeric columns asked for and,
/// when the reader keeps them, its rows as the file had them.
/// </summary>
public sealed record BufferedTrace(long Run, long Neuron, long? FirstLine, long FirstRow, double[] Times, IReadOnlyDictionary<string, double[]> Columns,
    RowStore? Rows)
{
    /// <summary>The number of rows (steps).</summary>
    public int Count => Times.Length;

    /// <summary>The time step in ms from the first two rows, or NaN for a one-row trace.</summary>
    public double TimeStepMs => Count >= 2 ? Times[1] - Times[0] : double.NaN;
}

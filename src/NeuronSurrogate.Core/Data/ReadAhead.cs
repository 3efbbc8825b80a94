using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace NeuronSurrogate.Data;

/// <summary>
/// Enumerates a sequence on its own thread, at most <c>depth</c> items ahead of the consumer, so that reading and
/// parsing a file overlap with the work done on what was read. Items arrive in order; an exception thrown while
/// reading reaches the consumer after the items before it. Memory stays bounded by the items in flight.
/// </summary>
public static class ReadAhead
{
    /// <summary>The items of <paramref name="source"/>, read ahead on another thread.</summary>
    public static IEnumerable<T> Of<T>(IEnumerable<T> source, int depth = 1)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        using var queue = new BlockingCollection<T>(depth);
        using var stop = new CancellationTokenSource();
        ExceptionDispatchInfo? failure = null;
        var reader = new Thread(() =>
        {
            try
            {
                foreach (var item in source)
                {
                    queue.Add(item, stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // Handed to the consumer, which rethrows it with its stack.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                queue.CompleteAdding();
            }
        })
        { IsBackground = true, Name = "read-ahead" };
        reader.Start();
        try
        {
            foreach (var item in queue.GetConsumingEnumerable())
            {
                yield return item;
            }
            reader.Join();
            failure?.Throw();
        }
        finally
        {
            // The consumer stopped early (an error while writing): let the reader finish and end.
            stop.Cancel();
            reader.Join();
        }
    }
}

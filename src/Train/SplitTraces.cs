using Microsoft.ML;
using NeuronSurrogate.Data;
using NeuronSurrogate.MLNet;

namespace NeuronSurrogate.Train;

/// <summary>A dataset split by run, each side as traces.</summary>
internal sealed record SplitTraces(RunSplit Split, TraceSet Train, TraceSet Validation, TraceSet Test)
{
    /// <summary>
    /// Loads a traces CSV once into an ML.NET view, splits it by run and reads each side into traces. Every <c>current_…</c>
    /// column of the file comes along as a further input; the recovery column only when <paramref name="withRecovery"/> and
    /// the file has one.
    /// </summary>
    /// <exception cref="InputException">The file breaks the traces contract, or has too few runs to split.</exception>
    public static SplitTraces Load(MLContext ml, string dataset, int seed, bool withRecovery)
    {
        IReadOnlyList<string> headers;
        using (var header = TraceReader.Open(dataset, []))
        {
            headers = header.Headers;
        }
        var view = TraceDataLoader.Load(ml, dataset, withRecovery && headers.Contains(TraceColumns.Recovery), TraceDataLoader.OtherInputsOf(headers));
        try
        {
            var (split, train, validation, test) = RunSplit.Create(ml, view, seed: seed);
            return new SplitTraces(split, TraceDataLoader.ToTraceSet(train, dataset), TraceDataLoader.ToTraceSet(validation, dataset), TraceDataLoader.ToTraceSet(test, dataset));
        }
        catch (InputException e) when (e.FilePath is null)
        {
            // The split names no file: the dataset is the one to blame.
            throw new InputException(dataset, e.Line, e.Row, e.Column, e.Value, e.Expected ?? e.Message);
        }
    }
}

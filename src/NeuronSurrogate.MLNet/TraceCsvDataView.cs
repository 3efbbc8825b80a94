using Microsoft.ML;
using Microsoft.ML.Data;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.MLNet;

/// <summary>
/// A traces CSV as an ML.NET view whose cursor reads through <see cref="TraceReader"/>: the file is parsed once,
/// by the reader that checks the contract (file, line, column and value in every error), and by nothing else.
/// Columns: run and neuron (Int64), time_ms and the numeric columns asked for (Double), in that order.
/// </summary>
/// <remarks>Each cursor reads the file from the start; <see cref="TraceDataLoader.Load"/> caches the view so that the split
/// and the sides read the rows from memory.</remarks>
internal sealed class TraceCsvDataView : IDataView
{
    private const int FirstNumeric = 3;
    private readonly string _path;
    private readonly string[] _numeric;

    /// <summary>A view of <paramref name="path"/>; its header is checked now, its rows when a cursor reads them.</summary>
    /// <exception cref="InputException">The file is missing or its header lacks a column.</exception>
    public TraceCsvDataView(string path, IReadOnlyList<string> numericColumns)
    {
        _path = path;
        _numeric = [.. numericColumns];
        using (TraceReader.Open(path, _numeric))
        {
        }
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(TraceColumns.Run, NumberDataViewType.Int64);
        builder.AddColumn(TraceColumns.Neuron, NumberDataViewType.Int64);
        builder.AddColumn(TraceColumns.TimeMs, NumberDataViewType.Double);
        foreach (var column in _numeric)
        {
            builder.AddColumn(column, NumberDataViewType.Double);
        }
        Schema = builder.ToSchema();
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, TraceReader.Open(_path, _numeric));

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    /// <summary>Walks the rows trace by trace: the reader buffers one trace, the getters read its current row.</summary>
    private sealed class Cursor(TraceCsvDataView view, TraceReader reader) : DataViewRowCursor
    {
        private TraceReader? _reader = reader;
        private int _row;
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_reader is null)
            {
                return false;
            }
            if (_position >= 0 && ++_row < _reader.Buffer.Count)
            {
                _position++;
                return true;
            }
            if (!_reader.ReadTrace())
            {
                _reader.Dispose();
                _reader = null;
                return false;
            }
            _row = 0;
            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var buffer = (_reader ?? throw new InvalidOperationException("the cursor has ended")).Buffer;
            Delegate getter = column.Index switch
            {
                0 => (ValueGetter<long>)((ref long value) => value = buffer.Run),
                1 => (ValueGetter<long>)((ref long value) => value = buffer.Neuron),
                2 => (ValueGetter<double>)((ref double value) => value = buffer.TimesMs[_row]),
                int index => NumericGetter(buffer.Numeric[index - FirstNumeric]),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"column '{column.Name}' is {column.Type}, not {typeof(TValue).Name}");
        }

        private ValueGetter<double> NumericGetter(List<double> values) => (ref double value) => value = values[_row];

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _reader?.Dispose();
                _reader = null;
            }
            base.Dispose(disposing);
        }
    }
}

using System.Text;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class Utf8CsvReaderTest
{
    private static List<string[]> Rows(string text, int chunk = 1 << 20)
    {
        using var reader = new Utf8CsvReader(new ChunkedStream(Encoding.UTF8.GetBytes(text), chunk));
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.FieldString)]);
        }
        return rows;
    }

    [TestMethod]
    public void Utf8CsvReaderTest_QuotesCrLfBomEmptyLinesAndRowsSplitAcrossReads()
    {
        string text = "\uFEFFa,b,c\r\n\r\n1,\"x, \"\"y\"\"\",\n2,,\"\"\n3,z,last";
        foreach (int chunk in new[] { 1, 2, 3, 7, 1 << 20 })
        {
            var rows = Rows(text, chunk);
            Assert.HasCount(4, rows, $"chunk {chunk}");
            CollectionAssert.AreEqual(new[] { "a", "b", "c" }, rows[0], $"chunk {chunk}: the byte order mark is not part of the first name");
            CollectionAssert.AreEqual(new[] { "1", "x, \"y\"", "" }, rows[1], $"chunk {chunk}");
            CollectionAssert.AreEqual(new[] { "2", "", "" }, rows[2], $"chunk {chunk}");
            CollectionAssert.AreEqual(new[] { "3", "z", "last" }, rows[3], $"chunk {chunk}: the last row has no line end");
        }
    }

    [TestMethod]
    public void Utf8CsvReaderTest_LineNumbersCountEmptyLinesAndRawRowsKeepTheFileBytes()
    {
        using var reader = new Utf8CsvReader(new MemoryStream(Encoding.UTF8.GetBytes("h,i\n\n1,\"a,b\"\r\n")));
        Assert.IsTrue(reader.Read());
        Assert.AreEqual(1, reader.LineNumber);
        Assert.IsTrue(reader.Read());
        Assert.AreEqual(3, reader.LineNumber);
        Assert.AreEqual("1,\"a,b\"", Encoding.UTF8.GetString(reader.RawRow));
        Assert.AreEqual("\"a,b\"", Encoding.UTF8.GetString(reader.RawField(1)));
        Span<Range> fields = stackalloc Range[2];
        Assert.AreEqual(2, Utf8CsvReader.SplitRaw(reader.RawRow, fields));
        Assert.AreEqual("\"a,b\"", Encoding.UTF8.GetString(reader.RawRow[fields[1]]));
        Assert.IsFalse(reader.Read());
    }

    [TestMethod]
    public void Utf8CsvReaderTest_MalformedQuotesAreErrorsOnTheirLine()
    {
        foreach (var (text, fragment) in new[]
        {
            ("a,b\n1,\"open\n2,x\n", "closing quote on the same line"),
            ("a,b\n1,\"x\"y\n", "after the closing quote of field 2"),
            ("a,b\n1,x\"y\n", "quote only around a whole field"),
        })
        {
            using var reader = new Utf8CsvReader(new MemoryStream(Encoding.UTF8.GetBytes(text)));
            Assert.IsTrue(reader.Read());
            var e = Assert.ThrowsExactly<FormatException>(() => reader.Read());
            StringAssert.Contains(e.Message, fragment);
            Assert.AreEqual(2, reader.LineNumber, text);
        }
    }

    [TestMethod]
    public void Utf8CsvReaderTest_PassThroughReplacesNamedColumnsInPlaceAndAppendsTheRest()
    {
        var layout = new PassThroughLayout(["run", "label", "voltage"], ["voltage", "spike"]);
        CollectionAssert.AreEqual(new[] { "run", "label", "voltage", "spike" }, layout.Headers.ToArray());
        var buffer = new Utf8CsvBuffer();
        var values = new Fixed();
        layout.Write(buffer, "7,\"a, \"\"b\"\"\",-65.0"u8, ref values, 3);
        var append = new PassThroughLayout(["run", "label"], ["voltage", "spike"]);
        append.Write(buffer, "7,\"q\""u8, ref values, 4);
        Assert.AreEqual("7,\"a, \"\"b\"\"\",v0@3,v1@3\n7,\"q\",v0@4,v1@4\n", Encoding.UTF8.GetString(buffer.Written));
    }

    private struct Fixed : IRowValues
    {
        public readonly void Write(Utf8CsvBuffer buffer, int slot, int row) => buffer.Raw(Encoding.UTF8.GetBytes($"v{slot}@{row}"));
    }

    /// <summary>Hands out at most <c>chunk</c> bytes per read, as a pipe may.</summary>
    private sealed class ChunkedStream(byte[] bytes, int chunk) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
    }
}

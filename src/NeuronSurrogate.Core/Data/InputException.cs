using System.Text;

namespace NeuronSurrogate.Data;

/// <summary>
/// Bad input from the user: a file, a column or a value that is not what the contract expects. Its message is
/// one line naming the file, the line and data row, the column, the value and what was expected. Command lines
/// map it to exit code 2.
/// </summary>
public sealed class InputException : Exception
{
    public InputException()
    {
    }

    public InputException(string message) : base(message)
    {
    }

    public InputException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from its parts; null parts are left out of the message.</summary>
    public InputException(string? file, long? line, long? row, string? column, string? value, string expected)
        : base(Compose(file, line, row, column, value, expected))
    {
        FilePath = file;
        Line = line;
        Row = row;
        Column = column;
        Value = value;
        Expected = expected;
    }

    /// <summary>A problem with a whole file or path (or, with a null <paramref name="file"/>, with the run's settings).</summary>
    /// <param name="file">The file or path.</param>
    /// <param name="expected">What was expected instead.</param>
    public static InputException About(string? file, string expected) => new(file, null, null, null, null, expected);

    /// <summary>A bad value that is not at a row of a file (an option, a name, a tensor).</summary>
    /// <param name="file">The file it came from, if any.</param>
    /// <param name="value">The value as given.</param>
    /// <param name="expected">What was expected instead.</param>
    public static InputException BadValue(string? file, string value, string expected) => new(file, null, null, null, value, expected);

    /// <summary>A problem with a column of a file, or a named field of a card, that is not at one row.</summary>
    /// <param name="file">The file, if any.</param>
    /// <param name="column">The column or field.</param>
    /// <param name="value">The value as given, if one is to blame.</param>
    /// <param name="expected">What was expected instead.</param>
    public static InputException InColumn(string? file, string column, string? value, string expected) => new(file, null, null, column, value, expected);

    /// <summary>A problem with a column named in the header (line 1) of a file.</summary>
    /// <param name="file">The file.</param>
    /// <param name="column">The column.</param>
    /// <param name="expected">What was expected instead.</param>
    public static InputException InHeader(string? file, string? column, string expected) => new(file, 1, null, column, null, expected);

    /// <summary>A problem at a line of a file that has no columns (a JSON card).</summary>
    /// <param name="file">The file.</param>
    /// <param name="line">The 1-based line, if known.</param>
    /// <param name="expected">What was expected instead.</param>
    public static InputException AtLine(string? file, long? line, string expected) => new(file, line, null, null, null, expected);

    /// <summary>The file, when the problem is in a file.</summary>
    public string? FilePath { get; }

    /// <summary>The 1-based line of the file (the header is line 1).</summary>
    public long? Line { get; }

    /// <summary>The 1-based data row (the header is not counted).</summary>
    public long? Row { get; }

    /// <summary>The column name.</summary>
    public string? Column { get; }

    /// <summary>The offending value as it appeared.</summary>
    public string? Value { get; }

    /// <summary>What was expected instead.</summary>
    public string? Expected { get; }

    private static string Compose(string? file, long? line, long? row, string? column, string? value, string expected)
    {
        var text = new StringBuilder();
        if (file is not null)
        {
            text.Append(file);
        }
        if (line is not null)
        {
            text.Append(text.Length > 0 ? ", " : "").Append("line ").Append(line.Value);
            if (row is not null)
            {
                text.Append(" (data row ").Append(row.Value).Append(')');
            }
        }
        else if (row is not null)
        {
            text.Append(text.Length > 0 ? ", " : "").Append("data row ").Append(row.Value);
        }
        if (column is not null)
        {
            text.Append(text.Length > 0 ? ", " : "").Append("column '").Append(column).Append('\'');
        }
        if (value is not null)
        {
            text.Append(text.Length > 0 ? ": " : "").Append("value '").Append(Shorten(value)).Append('\'');
        }
        text.Append(text.Length > 0 ? ": " : "").Append("expected ").Append(expected);
        return text.ToString();
    }

    /// <summary>Keeps messages on one short line whatever the value holds.</summary>
    private static string Shorten(string value)
    {
        var clean = value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return clean.Length <= 60 ? clean : string.Concat(clean.AsSpan(0, 57), "...");
    }
}

namespace NeuronSurrogate.Data;

/// <summary>An exception's message as one line for a user: its first line, without the runtime's "(Parameter 'x')" suffix.</summary>
public static class ExceptionMessages
{
    /// <summary>The message of <paramref name="e"/> as one line.</summary>
    public static string OneLine(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string message = e.Message;
        int end = message.IndexOfAny(['\r', '\n']);
        message = end < 0 ? message : message[..end];
        if (e is ArgumentException)
        {
            int parameter = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
            message = parameter < 0 ? message : message[..parameter];
        }
        return message;
    }
}

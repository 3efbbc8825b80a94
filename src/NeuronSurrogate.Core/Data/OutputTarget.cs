namespace NeuronSurrogate.Data;

/// <summary>How an output path is written, decided from what the path is before anything is written.</summary>
public enum OutputKind
{
    /// <summary><c>-</c>: the process's standard output, written as a stream.</summary>
    StandardOutput,

    /// <summary>A regular file or a new path: written to a temporary file in the target's folder and moved into place.</summary>
    File,

    /// <summary>A named pipe or a device: opened and written as a stream, never replaced or removed.</summary>
    Stream,

    /// <summary>A Unix domain socket: connected to and written as a stream.</summary>
    Socket,
}

/// <summary>An output path resolved: symbolic links followed to the file they name, and how that file is written.</summary>
/// <param name="Given">The path as the user gave it.</param>
/// <param name="Kind">How it is written.</param>
/// <param name="Resolved">The full path written to, after following symbolic links (<c>-</c> for standard output).</param>
public sealed record OutputTarget(string Given, OutputKind Kind, string Resolved)
{
    /// <summary>The name messages use: the path as given, or "standard output".</summary>
    public string Display => AtomicFile.DisplayName(Given);
}

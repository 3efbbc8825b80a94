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

using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;

namespace NeuronSurrogate.Data;

/// <summary>
/// Writes every output of the project according to what its path is. A regular file or a new path is written
/// through a temporary file in the target's folder, flushed to disk and moved into place only when every byte was
/// written, so a failure or an interruption never leaves a half-written file where a good one is expected; a
/// symbolic link is followed and the file it names is replaced that way (the link stays a link); a named pipe, a
/// device or a socket is written to directly as a stream, never replaced or removed; <c>-</c> is standard output.
/// A failed write or flush (a full disk, <c>/dev/full</c>, a pipe whose reader went away) is an
/// <see cref="IOException"/> whose message names the output.
/// </summary>
public static class AtomicFile
{
    /// <summary>The path that means standard output (for inputs: standard input).</summary>
    public const string StandardStream = "-";

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, string> Pending = new(StringComparer.Ordinal);
    private static bool s_abandoned;

    /// <summary>Whether <paramref name="path"/> names standard output or input.</summary>
    public static bool IsStandardStream(string? path) => path == StandardStream;

    /// <summary>
    /// Whether writing to <paramref name="path"/> writes to this process's standard output: <c>-</c>, or one of the
    /// names Unix gives it (<c>/dev/stdout</c>, <c>/dev/fd/1</c>, <c>/proc/self/fd/1</c>), so that messages stay off it.
    /// </summary>
    public static bool WritesToStandardOutput(string? path) => path is StandardStream or "/dev/stdout" or "/dev/fd/1" or "/proc/self/fd/1";

    /// <summary>How messages name the output <paramref name="path"/>: the path as given, or "standard output".</summary>
    public static string DisplayName(string path) => IsStandardStream(path) ? "standard output" : path;

    /// <summary>Resolves <paramref name="path"/> and checks that it can be written, before any work is done.</summary>
    /// <param name="path">The output path, or <c>-</c>.</param>
    /// <param name="what">What the output is, for messages ("output file", "JSON file").</param>
    /// <exception cref="InputException">The path is empty or a folder, its link does not resolve, or the target's folder is missing or not writable.</exception>
    public static OutputTarget Resolve(string path, string what = "output file")
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw InputException.BadValue(null, path ?? "", $"a path for the {what}");
        }
        if (IsStandardStream(path))
        {
            return new OutputTarget(path, OutputKind.StandardOutput, StandardStream);
        }
        string full = Path.GetFullPath(path);
        // What the kernel reaches through any links decides first: /dev/stdout and /proc/self/fd/N lead to pipes and
        // terminals that have no path of their own, so streams are opened through the path as given.
        switch (FileStatus.KindOf(full))
        {
            case PathKind.Directory:
                throw InputException.About(path, $"a file path for the {what}, not a folder");
            case PathKind.NamedPipe or PathKind.CharacterDevice or PathKind.BlockDevice:
                return new OutputTarget(path, OutputKind.Stream, full);
            case PathKind.Socket:
                return new OutputTarget(path, OutputKind.Socket, full);
        }
        // A regular file or nothing yet: a link is followed to the file it names (or will name), replaced in its folder.
        string resolved = FileStatus.KindOf(full, followLinks: false) == PathKind.SymbolicLink ? FollowLinks(path, full, what) : full;
        string? folder = Path.GetDirectoryName(resolved);
        if (folder is null || !Directory.Exists(folder))
        {
            throw InputException.About(path, $"the {what}'s folder '{folder}' to exist");
        }
        string probe = TemporaryPath(resolved);
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw InputException.About(path, $"a writable folder for the {what} ({e.Message})");
        }
        return new OutputTarget(path, OutputKind.File, resolved);
    }


    /// <summary>Checks that <paramref name="path"/> can be written and returns the full path that will be written.</summary>
    /// <exception cref="InputException">As <see cref="Resolve"/>.</exception>
    public static string CheckWritable(string path, string what = "output file") => Resolve(path, what).Resolved;

    /// <summary>Runs <paramref name="write"/> on the output <paramref name="path"/> names, as the class describes.</summary>
    /// <param name="path">The output path, or <c>-</c> for standard output.</param>
    /// <param name="write">Writes the content; it may be called with a buffered stream and need not flush.</param>
    /// <param name="what">What the output is, for messages.</param>
    /// <exception cref="InputException">The path cannot be written (see <see cref="Resolve"/>).</exception>
    /// <exception cref="IOException">A write, flush or move failed; the message names the output. A file output keeps its previous content.</exception>
    /// <exception cref="OperationCanceledException">The process is being interrupted (<see cref="AbandonPending"/>); nothing was moved into place.</exception>
    public static void Write(string path, Action<Stream> write, string what = "output file")
    {
        ArgumentNullException.ThrowIfNull(write);
        var target = Resolve(path, what);
        switch (target.Kind)
        {
            case OutputKind.StandardOutput:
                WriteStream(OpenStandardOutput(), target, write);
                break;
            case OutputKind.Stream:
                WriteStream(OpenExisting(target), target, write);
                break;
            case OutputKind.Socket:
                WriteStream(new BufferedStream(ConnectSocket(target), 1 << 16), target, write);
                break;
            default:
                WriteFile(target, write);
                break;
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) through <see cref="Write"/>.</summary>
    /// <exception cref="InputException">The path cannot be written (see <see cref="Resolve"/>).</exception>
    /// <exception cref="IOException">A write, flush or move failed; a file output keeps its previous content.</exception>
    public static void WriteText(string path, string text, string what = "output file")
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)), what);
    }

    /// <summary>
    /// For an interrupted process: removes every temporary file still being written and makes any later move into
    /// place fail, so that no output is half-replaced. Outputs already moved into place are complete and stay.
    /// </summary>
    /// <returns>The outputs whose unfinished temporary files were removed (they keep their previous content).</returns>
    public static IReadOnlyList<string> AbandonPending()
    {
        lock (Gate)
        {
            s_abandoned = true;
            var targets = new List<string>();
            foreach (var (temporary, target) in Pending)
            {
                TryDelete(temporary);
                targets.Add(target);
            }
            Pending.Clear();
            return targets;
        }
    }

    private static void WriteFile(OutputTarget target, Action<Stream> write)
    {
        string temporary = TemporaryPath(target.Resolved);
        FileStream stream;
        lock (Gate)
        {
            ThrowIfAbandoned(target);
            // Created under the lock, so an interruption either sees it in Pending or stops it from being created.
            stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            Pending[temporary] = target.Given;
        }
        try
        {
            using (stream)
            {
                write(stream);
                // On disk before the rename: a crash right after the move must not leave an empty file in place.
                stream.Flush(flushToDisk: true);
            }
            KeepMode(target.Resolved, temporary);
            lock (Gate)
            {
                ThrowIfAbandoned(target);
                File.Move(temporary, target.Resolved, overwrite: true);
                Pending.Remove(temporary);
            }
        }
        catch (Exception e) when (IOCause(e) is { } io)
        {
            throw Failed(target, io, "; its previous content is untouched");
        }
        finally
        {
            lock (Gate)
            {
                Pending.Remove(temporary);
            }
            TryDelete(temporary);
        }
    }

    /// <summary>Writes and flushes a stream that is the output itself; every failure names the output.</summary>
    private static void WriteStream(Stream stream, OutputTarget target, Action<Stream> write)
    {
        try
        {
            write(stream);
            stream.Flush();
            stream.Dispose();
        }
        catch (Exception e)
        {
            // A failed flush would fail again when the stream is closed; the first failure is the one to report.
            try
            {
                stream.Dispose();
            }
            catch (IOException)
            {
            }
            if (IOCause(e) is { } io)
            {
                throw Failed(target, io, "");
            }
            throw;
        }
    }

    /// <summary>
    /// Standard output as a file stream on descriptor 1, not <see cref="Console.OpenStandardOutput()"/>: the console
    /// stream silently drops writes to a pipe whose reader has gone (EPIPE), and the output must not claim success then.
    /// </summary>
    private static Stream OpenStandardOutput() => OperatingSystem.IsWindows()
        ? new BufferedStream(Console.OpenStandardOutput(), 1 << 16)
        : new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 1 << 16);

    private static FileStream OpenExisting(OutputTarget target)
    {
        try
        {
            // Open (no truncation, no creation): a pipe blocks here until its reader is there, as a shell's redirection does.
            return new FileStream(target.Resolved, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 16);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw InputException.About(target.Given, $"a writable pipe or device ({e.Message})");
        }
    }

    private static NetworkStream ConnectSocket(OutputTarget target)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(target.Resolved));
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw InputException.About(target.Given, $"a Unix socket with a listener ({e.Message})");
        }
    }

    private static string FollowLinks(string path, string full, string what)
    {
        try
        {
            var final = File.ResolveLinkTarget(full, returnFinalTarget: true);
            return final is null ? full : Path.GetFullPath(final.FullName);
        }
        catch (IOException e)
        {
            throw InputException.About(path, $"a symbolic link that resolves to a file for the {what} ({e.Message})");
        }
    }

    /// <summary>A replaced file keeps its permissions (a new one gets the process's defaults).</summary>
    private static void KeepMode(string target, string temporary)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(target))
        {
            File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));
        }
    }

    private static void ThrowIfAbandoned(OutputTarget target)
    {
        if (s_abandoned)
        {
            throw new OperationCanceledException($"{target.Display}: not written, the process is being interrupted");
        }
    }

    private static IOException Failed(OutputTarget target, IOException cause, string rest) =>
        new($"{target.Display}: writing failed ({OneLine(cause.Message)}){rest}", cause);

    /// <summary>The I/O failure behind <paramref name="e"/>, also where a CSV or ONNX library wrapped it.</summary>
    private static IOException? IOCause(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is IOException io)
            {
                return io;
            }
        }
        return null;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string TemporaryPath(string full) =>
        Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
}

namespace NeuronSurrogate.Data;

/// <summary>
/// Writes a file through a temporary file in the same folder, moved into place only when the write succeeded,
/// so a failure never leaves a half-written file where a good one is expected.
/// </summary>
public static class AtomicFile
{
    /// <summary>Checks that <paramref name="path"/> can be written and returns its full path.</summary>
    /// <exception cref="InputException">The folder is missing or not writable, or the path is a folder.</exception>
    public static string CheckWritable(string path, string what = "output file")
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InputException(null, null, null, null, path ?? "", $"a path for the {what}");
        }
        string full = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(full);
        if (Directory.Exists(full))
        {
            throw new InputException(path, null, null, null, null, $"a file path for the {what}, not a folder");
        }
        if (folder is null || !Directory.Exists(folder))
        {
            throw new InputException(path, null, null, null, null, $"the {what}'s folder '{folder}' to exist");
        }
        string probe = TemporaryPath(full);
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new InputException(path, null, null, null, null, $"a writable folder for the {what} ({e.Message})");
        }
        return full;
    }

    /// <summary>Runs <paramref name="write"/> on a temporary file beside <paramref name="path"/>, then moves it into place.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = CheckWritable(path);
        string temporary = TemporaryPath(full);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static string TemporaryPath(string full) =>
        Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
}

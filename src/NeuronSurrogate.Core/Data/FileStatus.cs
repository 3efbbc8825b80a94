using System.Runtime.InteropServices;
using System.Text;

namespace NeuronSurrogate.Data;

/// <summary>
/// The kind of a path, which .NET's file API does not expose: <see cref="File.Exists"/> is true for a device or a
/// named pipe, and nothing tells them from a regular file. On Unix this asks <c>stat</c>/<c>lstat</c> through the
/// runtime's own native shim (<c>libSystem.Native</c>, shipped with every .NET runtime), whose status record starts
/// with two 32-bit fields, flags and mode, on every Unix; only the mode's file-type bits are read.
/// </summary>
public static class FileStatus
{
    // The shim's portable file-type constants (the S_IFMT bits), the same on Linux, macOS and FreeBSD.
    private const int TypeMask = 0xF000, Fifo = 0x1000, CharDevice = 0x2000, Folder = 0x4000, BlockDevice = 0x6000,
        Regular = 0x8000, Link = 0xA000, UnixSocket = 0xC000;

    /// <summary>The shim's record is about 120 bytes; this leaves room for fields a later runtime may add.</summary>
    private const int StatusBytes = 512;

    private static bool s_nativeMissing;

    /// <summary>What <paramref name="path"/> is.</summary>
    /// <param name="path">The path.</param>
    /// <param name="followLinks">Whether a symbolic link is followed to what it points to (<c>stat</c>) or reported as a link (<c>lstat</c>).</param>
    public static PathKind KindOf(string path, bool followLinks = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsWindows() || s_nativeMissing)
        {
            return Fallback(path, followLinks);
        }
        byte[] name = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, name);
        var status = new byte[StatusBytes];
        int result;
        try
        {
            result = followLinks ? NativeStat(name, status) : NativeLStat(name, status);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_nativeMissing = true;
            return Fallback(path, followLinks);
        }
        if (result != 0)
        {
            return PathKind.Missing;
        }
        int mode = BitConverter.ToInt32(status, sizeof(int));
        return (mode & TypeMask) switch
        {
            Regular => PathKind.RegularFile,
            Folder => PathKind.Directory,
            Link => PathKind.SymbolicLink,
            Fifo => PathKind.NamedPipe,
            CharDevice => PathKind.CharacterDevice,
            BlockDevice => PathKind.BlockDevice,
            UnixSocket => PathKind.Socket,
            _ => PathKind.RegularFile,
        };
    }

    /// <summary>Without the shim (Windows, or a runtime without it) only files, folders and links can be told apart.</summary>
    private static PathKind Fallback(string path, bool followLinks)
    {
        if (!followLinks && new FileInfo(path).LinkTarget is not null)
        {
            return PathKind.SymbolicLink;
        }
        return Directory.Exists(path) ? PathKind.Directory : File.Exists(path) ? PathKind.RegularFile : PathKind.Missing;
    }

    // Both arguments are blittable byte arrays: pinned and passed as pointers, so no marshalling code is generated.
    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int NativeStat(byte[] path, byte[] status);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int NativeLStat(byte[] path, byte[] status);
}

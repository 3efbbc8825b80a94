namespace NeuronSurrogate.Data;

/// <summary>What a path names on the file system, as <c>stat</c> (or <c>lstat</c>) reports it.</summary>
public enum PathKind
{
    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>A regular file.</summary>
    RegularFile,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A symbolic link (only from <see cref="FileStatus.KindOf"/> with <c>followLinks: false</c>).</summary>
    SymbolicLink,

    /// <summary>A named pipe (FIFO).</summary>
    NamedPipe,

    /// <summary>A character device, such as <c>/dev/null</c> or a terminal.</summary>
    CharacterDevice,

    /// <summary>A block device.</summary>
    BlockDevice,

    /// <summary>A Unix domain socket.</summary>
    Socket,
}

namespace NeuronSurrogate.Cli;

/// <summary>The process exit codes of every command.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>A failure at run time that is not the input's fault.</summary>
    public const int RuntimeFailure = 1;

    /// <summary>Bad usage or bad input: a wrong option, a missing or malformed file, an unwritable output.</summary>
    public const int BadInput = 2;
}

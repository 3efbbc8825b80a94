namespace NeuronSurrogate.Data;

/// <summary>An output path resolved: symbolic links followed to the file they name, and how that file is written.</summary>
/// <param name="Given">The path as the user gave it.</param>
/// <param name="Kind">How it is written.</param>
/// <param name="Resolved">The full path written to, after following symbolic links (<c>-</c> for standard output).</param>
public sealed record OutputTarget(string Given, OutputKind Kind, string Resolved)
{
    /// <summary>The name messages use: the path as given, or "standard output".</summary>
    public string Display => AtomicFile.DisplayName(Given);
}

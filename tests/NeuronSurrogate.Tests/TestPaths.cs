namespace NeuronSurrogate.Tests;

/// <summary>Paths of the repository the tests run in, e.g. the shipped models.</summary>
internal static class TestPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>A shipped model or card under models/.</summary>
    public static string Model(string name) => Path.Combine(Root, "models", name);

    /// <summary>A shipped NEURON cell file under models/cells/.</summary>
    public static string Cell(string name) => Path.Combine(Root, "models", "cells", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NeuronSurrogate.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root not found");
    }
}

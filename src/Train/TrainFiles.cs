using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;

namespace NeuronSurrogate.Train;

/// <summary>The Train app's outputs (reports, metrics, cards, generated datasets), each written through a temporary file into a folder created as needed.</summary>
internal static class TrainFiles
{
    /// <summary>Writes a UTF-8 text file.</summary>
    public static void WriteText(string path, string text)
    {
        CreateFolderOf(path);
        AtomicFile.WriteText(path, text);
    }

    /// <summary>Generates the dataset <paramref name="options"/> describe and writes it as a traces CSV.</summary>
    public static void WriteDataset(string path, DatasetOptions options)
    {
        var batch = DatasetGenerator.Generate(options);
        CreateFolderOf(path);
        DatasetParquetWriter.WriteFile(path, batch);
    }

    private static void CreateFolderOf(string path) => Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
}

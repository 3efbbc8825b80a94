using System.Diagnostics;
using System.Text;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Tests;

/// <summary>
/// Seeded fuzzing of the readers through the commands: mutated CSV files (truncated lines, random bytes, huge numbers,
/// odd quoting, BOMs, CRLF) and mutated ONNX files. Every case must end in a clean result (exit 0) or a clear one-line
/// error (exit 2) within a bounded time — never an unhandled exception (exit 1) or a hang.
/// </summary>
[TestClass]
public sealed class FuzzTest
{
    private static readonly string[] Pieces = ["\"", "\"\"", ",", "\r\n", "\n", "\r", "1e308", "-1e308", "NaN", "∞", "\uFEFF", "0,1", " ", "\t", "\0", "1.5.2", "99999999999999999999", "-", "e", ""];

    private static string Mutate(string text, ref TraceRandom random)
    {
        var builder = new StringBuilder(text);
        int edits = 1 + random.NextInt(4);
        for (int e = 0; e < edits && builder.Length > 0; e++)
        {
            int at = random.NextInt(builder.Length);
            switch (random.NextInt(6))
            {
                case 0: builder.Remove(at, Math.Min(builder.Length - at, 1 + random.NextInt(20))); break;
                case 1: builder.Insert(at, Pieces[random.NextInt(Pieces.Length)]); break;
                case 2: builder[at] = (char)(32 + random.NextInt(95)); break;
                case 3: builder.Length = at; break;
                case 4: builder.Insert(0, "\uFEFF"); break;
                default: builder.Replace("\n", "\r\n"); break;
            }
        }
        return builder.ToString();
    }

    [TestMethod]
    [TestCategory("Slow")]
    public void FuzzTest_MutatedCsvFilesGiveAResultOrAClearError()
    {
        using var folder = new TempFolder();
        string seed = folder.File("seed.csv");
        Assert.AreEqual(0, CliRunner.Run("generate", "--runs", "2", "--neurons", "2", "--steps", "8", "--out", seed).ExitCode);
        string original = File.ReadAllText(seed);
        var random = new TraceRandom(2026, 11, 25);
        int ok = 0, rejected = 0;
        for (int i = 0; i < 1500; i++)
        {
            string input = folder.File($"in{i % 10}.csv");
            string output = folder.File($"out{i % 10}.csv");
            File.Delete(output);
            File.WriteAllText(input, Mutate(original, ref random), new UTF8Encoding(false));
            var clock = Stopwatch.StartNew();
            string[] command = (i % 3) switch
            {
                0 => ["simulate", "--input", input, "--output", output],
                1 => ["evaluate", "--truth", seed, "--prediction", input, "--column", "voltage"],
                _ => ["predict", "--model", TestPaths.Model("surrogate.onnx"), "--input", input, "--output", output],
            };
            var (code, _, error) = CliRunner.Run(command);
            Assert.IsLessThan(10.0, clock.Elapsed.TotalSeconds, $"case {i} took too long");
            Assert.IsTrue(code is 0 or 2, $"case {i} ({command[0]}): exit {code}: {error}");
            if (code == 2)
            {
                rejected++;
                StringAssert.StartsWith(error, "error: ", $"case {i}");
                Assert.HasCount(1, error.TrimEnd('\n').Split('\n'), $"case {i}: {error}");
                if (command[0] != "evaluate")
                {
                    Assert.IsFalse(File.Exists(output), $"case {i}: output left after an error");
                }
            }
            else
            {
                ok++;
            }
        }
        Assert.IsGreaterThan(100, rejected, "the mutations do break files");
        Assert.IsGreaterThan(10, ok, "some mutations leave valid files");
    }

    [TestMethod]
    [TestCategory("Slow")]
    public void FuzzTest_MutatedOnnxFilesGiveAResultOrAClearError()
    {
        using var folder = new TempFolder();
        string currents = folder.File("c.csv");
        Assert.AreEqual(0, CliRunner.Run("generate", "--runs", "1", "--neurons", "2", "--steps", "20", "--out", currents).ExitCode);
        var model = File.ReadAllBytes(TestPaths.Model("surrogate.onnx"));
        string card = File.ReadAllText(Path.ChangeExtension(TestPaths.Model("surrogate.onnx"), ".json"));
        var random = new TraceRandom(7, 7, 7);
        int rejected = 0;
        for (int i = 0; i < 200; i++)
        {
            var bytes = (byte[])model.Clone();
            switch (i % 3)
            {
                case 0: Array.Resize(ref bytes, random.NextInt(bytes.Length)); break;
                case 1:
                    for (int k = 0; k < 1 + random.NextInt(8); k++)
                    {
                        // Mutate the structure at the start of the file (the graph), not only weights.
                        bytes[random.NextInt(Math.Min(bytes.Length, 4096))] = (byte)random.NextInt(256);
                    }
                    break;
                default: bytes = bytes.Take(random.NextInt(64)).Concat(Encoding.ASCII.GetBytes("garbage")).ToArray(); break;
            }
            string path = folder.File($"m{i % 5}.onnx");
            File.WriteAllBytes(path, bytes);
            File.WriteAllText(Path.ChangeExtension(path, ".json"), card);
            string output = folder.File("p.csv");
            File.Delete(output);
            var (code, _, error) = CliRunner.Run("predict", "--model", path, "--input", currents, "--output", output);
            Assert.IsTrue(code is 0 or 2, $"case {i}: exit {code}: {error}");
            if (code == 2)
            {
                rejected++;
                Assert.HasCount(1, error.TrimEnd('\n').Split('\n'), $"case {i}: {error}");
                Assert.IsFalse(File.Exists(output));
            }
        }
        Assert.IsGreaterThan(100, rejected);
    }
}

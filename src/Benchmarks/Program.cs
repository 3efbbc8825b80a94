namespace NeuronSurrogate.Benchmarks;

internal static class Program
{
    private static int Main(string[] args)
    {
        string root = RepositoryRoot();
        string what = args.Length > 0 ? args[0] : "all";
        bool quick = args.Contains("--quick");
        switch (what)
        {
            case "simulator":
                SimulatorBenchmark.Run(root, quick);
                return 0;
            case "simulators":
                SimulatorsBenchmark.Run(root, quick);
                return 0;
            case "cost":
                CostBenchmark.Run(root, quick);
                return 0;
            case "convergence":
                CostBenchmark.Run(root, quick, convergenceOnly: true);
                return 0;
            case "engines":
                EnginesBenchmark.Run(root, quick);
                return 0;
            case "ood":
                OodBenchmark.Run(root, quick, validation: args.Contains("--validation"),
                    hhModels: [.. args.Select((a, i) => (a, i)).Where(x => x.a == "--hh-model" && x.i + 1 < args.Length).Select(x => args[x.i + 1])]);
                return 0;
            case "synaptic":
                SynapticBenchmark.Run(root, quick);
                return 0;
            case "synaptic-surrogate":
                SynapticSurrogateBenchmark.Run(root, quick);
                return 0;
            case "whole":
                WholeProcessBenchmark.Run(root, quick);
                return 0;
            case "inference":
                InferenceBenchmark.Run(root, quick);
                return 0;
            case "bdn":
                {
                    var summary = BenchmarkDotNet.Running.BenchmarkRunner.Run<OneStepMicroBenchmarks>();
                    string report = Directory.EnumerateFiles(summary.ResultsDirectoryPath, "*-report-github.md").Single();
                    string target = Path.Combine(root, "results", "benchmarks", "bdn-one-step.md");
                    File.Copy(report, target, overwrite: true);
                    Console.WriteLine($"wrote {target}");
                    return 0;
                }
            case "all":
                SimulatorBenchmark.Run(root, quick);
                SimulatorsBenchmark.Run(root, quick);
                InferenceBenchmark.Run(root, quick);
                return 0;
            default:
                Console.Error.WriteLine($"error: unknown benchmark '{what}': expected simulator, simulators, inference, engines, cost, convergence, whole, ood, synaptic, synaptic-surrogate, all or bdn");
                return 2;
        }
    }

    /// <summary>The folder holding NeuronSurrogate.sln, so results land in the repository whatever the working folder.</summary>
    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NeuronSurrogate.sln")))
            {
                return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}

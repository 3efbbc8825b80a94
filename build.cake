// NeuronSurrogate build: `dotnet tool restore && dotnet cake --target=<Target>`.
// Layout: arguments → variables → setup → small private tasks chained with IsDependentOn → a few public targets.
// Public targets: Clean, Restore, Build, Test, Data, Train, Latent, Predict, Evaluate, Bench, Cost, Whole, Pack, Aot, Default (build + test).

//////////////////////////////////////////////////////////////////////
// ARGUMENTS
//////////////////////////////////////////////////////////////////////
var target = Argument("target", "Default");
var configuration = Argument("configuration", "Release");

//////////////////////////////////////////////////////////////////////
// VARIABLES
//////////////////////////////////////////////////////////////////////
var solution = File("./NeuronSurrogate.sln");
var cli = File("./src/Cli/Cli.csproj");
var train = File("./src/Train/Train.csproj");
var benchmarks = File("./src/Benchmarks/Benchmarks.csproj");
var sampleFolder = Directory("./data/sample");
var artifacts = Directory("./artifacts");
// Warnings are errors in the Cake build (a plain `dotnet build` only reports them).
var msbuild = new DotNetMSBuildSettings().TreatAllWarningsAs(MSBuildTreatAllWarningsAs.Error);
var run = new DotNetRunSettings { Configuration = configuration, NoBuild = true, NoRestore = true };

void Cli(params string[] arguments)
{
    var builder = new ProcessArgumentBuilder();
    foreach (var argument in arguments)
    {
        builder.Append(argument);
    }
    DotNetRun(cli, builder, run);
}

//////////////////////////////////////////////////////////////////////
// SETUP
//////////////////////////////////////////////////////////////////////
Setup(context => Information($"NeuronSurrogate ({configuration}), target {target}"));

//////////////////////////////////////////////////////////////////////
// TASKS
//////////////////////////////////////////////////////////////////////
Task("Clean")
    .Does(() =>
{
    CleanDirectories("./src/**/bin");
    CleanDirectories("./src/**/obj");
    CleanDirectories("./tests/**/bin");
    CleanDirectories("./tests/**/obj");
    CleanDirectory(artifacts);
});

Task("Restore")
    .Does(() => DotNetRestore(solution));

Task("Build")
    .IsDependentOn("Restore")
    .Does(() => DotNetBuild(solution, new DotNetBuildSettings
    {
        Configuration = configuration,
        NoRestore = true,
        MSBuildSettings = msbuild,
    }));

Task("Test")
    .IsDependentOn("Build")
    .Does(() => DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoRestore = true,
    }));

Task("Data")
    .Description("The default dataset, data/spike_dataset.csv (with the recovery column the MLP trains on).")
    .IsDependentOn("Build")
    .Does(() => Cli("generate", "--recovery"));

Task("Train")
    .Description("The main job: train, export and score everything on held-out runs (results/, models/).")
    .IsDependentOn("Build")
    .Does(() => DotNetRun(train, new ProcessArgumentBuilder(), run));

Task("Latent")
    .Description("The shipped latent surrogates: models/rs_latent.*, hh_latent.*, pyramid_latent.* and pyramid_latent_k5.* (the last two need NEURON), each with results/NAME/.")
    .IsDependentOn("Build")
    .Does(() =>
{
    foreach (var neuron in new[] { "izhikevich", "hh", "pyramid" })
    {
        DotNetRun(train, new ProcessArgumentBuilder().Append("--neuron").Append(neuron), run);
    }
    DotNetRun(train, new ProcessArgumentBuilder().Append("--neuron pyramid --step-factor 5 --name pyramid_latent_k5"), run);
});

Task("Sample")
    .IsDependentOn("Build")
    .Does(() =>
{
    EnsureDirectoryExists(sampleFolder);
    // Unseen traces (their own seed): the truth, and the currents alone for predict.
    Cli("generate", "--runs", "4", "--neurons", "5", "--seed", "2026", "--recovery", "--out", "data/sample/truth.csv");
});

Task("Predict")
    .Description("The shipped surrogate on a sample of unseen currents: data/sample/predictions.csv.")
    .IsDependentOn("Sample")
    .Does(() => Cli("predict", "--model", "models/surrogate.onnx", "--input", "data/sample/truth.csv", "--output", "data/sample/predictions.csv"));

Task("Evaluate")
    .Description("Scores the sample predictions against the simulator.")
    .IsDependentOn("Predict")
    .Does(() => Cli("evaluate", "--truth", "data/sample/truth.csv", "--prediction", "data/sample/predictions.csv", "--json", "data/sample/metrics.json"));

Task("Bench")
    .Description("Benchmarks side by side; writes results/benchmarks.md.")
    .IsDependentOn("Build")
    .Does(() => DotNetRun(benchmarks, new ProcessArgumentBuilder().Append("all"), run));

Task("Cost")
    .Description("Cost at matched fidelity: every engine and shipped surrogate on the same held-out currents; writes results/benchmarks/cost.md.")
    .IsDependentOn("Build")
    .Does(() => DotNetRun(benchmarks, new ProcessArgumentBuilder().Append("cost"), run));

Task("Pack")
    .Description("The CLI as a .NET tool package in artifacts/ (dotnet tool install --add-source artifacts -g NeuronSurrogate.Cli).")
    .IsDependentOn("Build")
    .Does(() => DotNetPack(cli, new DotNetPackSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoRestore = true,
        OutputDirectory = artifacts,
        MSBuildSettings = msbuild,
    }));

Task("Aot")
    .Description("The command line compiled ahead of time (Native AOT; needs clang): artifacts/cli/neuron-surrogate, which starts in about 25 ms.")
    .Does(() => DotNetPublish(cli, new DotNetPublishSettings
    {
        Configuration = configuration,
        Runtime = "linux-x64",
        OutputDirectory = artifacts + Directory("cli"),
        // Not warnings-as-errors: Parquet.Net and the Train app's card writer carry trim warnings the tool never meets.
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("PublishAot", "true"),
    }));

Task("Whole")
    .Description("The built tool as a process on files against NEURON: results/benchmarks/whole_process.md (uses artifacts/cli when Aot ran).")
    .IsDependentOn("Build")
    .Does(() => DotNetRun(benchmarks, new ProcessArgumentBuilder().Append("whole"), run));

Task("Default")
    .IsDependentOn("Test");

//////////////////////////////////////////////////////////////////////
// EXECUTION
//////////////////////////////////////////////////////////////////////
RunTarget(target);

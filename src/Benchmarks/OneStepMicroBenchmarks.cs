using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Torch;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// BenchmarkDotNet micro-benchmarks of one step for 1024 neurons: the simulator (baseline), the surrogate in ONNX
/// Runtime and in TorchSharp. `dotnet run -c Release --project src/Benchmarks -- bdn`; BenchmarkDotNet writes its own
/// report under BenchmarkDotNet.Artifacts/ (copied to results/benchmarks/bdn-one-step.md). The whole-run harness (`inference`) is the one that writes results/.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessShortRun))]
public class OneStepMicroBenchmarks : IDisposable
{
    /// <summary>A short run in this process: no generated project to build, and the same native libraries loaded.</summary>
    private sealed class InProcessShortRun : ManualConfig
    {
        public InProcessShortRun() => AddJob(Job.ShortRun.WithToolchain(InProcessNoEmitToolchain.Instance));
    }

    private const int Neurons = 1024;
    private float[] _states = [];
    private readonly float[] _increments = StateRows.Increments(Neurons);
    private readonly double[] _currents = new double[Neurons * 10];
    private readonly double[] _voltages = new double[Neurons * 10];
    private readonly IzhikevichSimulationOptions _simulation = new();
    private OnnxStatePredictor? _ort;
    private StateSpaceMlp? _torch;
    private TorchStatePredictor? _torchPredictor;

    [GlobalSetup]
    public void Setup()
    {
        string models = Path.Combine(Program.RepositoryRoot(), "models");
        var card = StateSpaceModelCard.Read(Path.Combine(models, "surrogate.json"));
        _ort = new OnnxStatePredictor(Path.Combine(models, "surrogate.onnx"));
        _torch = StateSpaceOnnxImporter.Load(Path.Combine(models, "surrogate.onnx"), card);
        _torchPredictor = new TorchStatePredictor(_torch);
        _states = StateRows.Random(new Stimuli.TraceRandom(1, 2, 3), Neurons);
        Array.Fill(_currents, 10.0);
    }

    /// <summary>Ten steps of 1024 neurons on the fast path, divided by ten: one step.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = 10)]
    public void SimulatorFastPath() => IzhikevichBatchSimulator.SimulateTimeMajor(_simulation, _currents, _voltages, Neurons);

    [Benchmark]
    public void OnnxRuntime() => _ort!.Predict(_states, _increments, Neurons);

    [Benchmark]
    public void TorchSharp() => _torchPredictor!.Predict(_states, _increments, Neurons);

    [GlobalCleanup]
    public void Dispose()
    {
        _ort?.Dispose();
        _torch?.Dispose();
        GC.SuppressFinalize(this);
    }
}

using TorchSharp;

namespace NeuronSurrogate.Torch;

/// <summary>What libtorch computes with in this process: what a model's bits depend on besides its seed and data.</summary>
/// <param name="AtenCapability">ATen's vectorized kernels (AVX2, AVX512, DEFAULT), as libtorch reports them.</param>
/// <param name="MklBranch">MKL's code path for the matrix products (MKL_CBWR), as MKL reports it.</param>
/// <param name="LibTorch">libtorch's version.</param>
/// <param name="TorchSharp">TorchSharp's version.</param>
/// <param name="Cpu">The processor's model name (/proc/cpuinfo), or the architecture elsewhere.</param>
/// <param name="Pinned">Whether the kernels are the pinned ones (<see cref="TorchRuntime.Prepare"/>), which give the same bits on any x86-64 machine with AVX2.</param>
public sealed record TorchKernels(string AtenCapability, string MklBranch, string LibTorch, string TorchSharp, string Cpu, bool Pinned)
{
    internal static TorchKernels Read()
    {
        torch.InitializeDeviceType(DeviceType.CPU);
        bool linuxX64 = OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64;
        string capability = linuxX64 ? TorchRuntime.AtenCapability() : "unknown";
        string mkl = linuxX64 ? TorchRuntime.MklBranch() : "unknown";
        string torchSharp = typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown";
        return new TorchKernels(capability, mkl, torch.__version__, torchSharp, CpuModel(),
            capability == TorchRuntime.PinnedCapability && mkl == TorchRuntime.PinnedMklBranch);
    }

    /// <summary>How the card states it: what holds for the model's bits on other machines.</summary>
    public string Reproducibility => Pinned
        ? $"libtorch {LibTorch} (TorchSharp {TorchSharp}) with kernels pinned (ATen {AtenCapability}, MKL branch {MklBranch}), one thread: the same seed and data give the same bytes on any x86-64 Linux machine with AVX2 and FMA"
        : $"libtorch {LibTorch} (TorchSharp {TorchSharp}) with ATen {AtenCapability} kernels and MKL branch {MklBranch} on {Cpu}: not pinned, so the bytes hold only on a machine with the same instruction set";

    /// <summary>
    /// The card's record of the kernels: versions, instruction sets and what holds for the bytes. The processor is named
    /// only where the kernels are not pinned, since only then do the bytes depend on it (and a pinned card stays the same
    /// bytes on every machine).
    /// </summary>
    public IReadOnlyDictionary<string, object> CardEntry()
    {
        var entry = new Dictionary<string, object>
        {
            ["libtorch"] = LibTorch,
            ["torchsharp"] = TorchSharp,
            ["aten_cpu_capability"] = AtenCapability,
            ["mkl_branch"] = MklBranch,
            ["pinned"] = Pinned,
            ["reproducibility"] = Reproducibility,
        };
        if (!Pinned)
        {
            entry["cpu"] = Cpu;
        }
        return entry;
    }

    private static string CpuModel()
    {
        try
        {
            const string Key = "model name";
            var line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith(Key, StringComparison.Ordinal)) : null;
            return line is null ? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}

using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using TorchSharp;

namespace NeuronSurrogate.Torch;

/// <summary>
/// Prepares the process for TorchSharp before libtorch loads, and pins the instruction set of its kernels.
/// </summary>
/// <remarks>
/// <para>Speed: glibc returned large tensor buffers to the OS on every call (inference about 10× slower) until the trim
/// and mmap thresholds were raised; libgomp's spin-waiting under load caused up to 20× slowdowns, avoided with a passive
/// wait policy.</para>
/// <para>Reproducibility: libtorch picks its vectorized kernels by the CPU it runs on (AVX-512 where there is one), and so
/// does the MKL under its matrix products; a different kernel sums in another order, and training amplifies the last
/// bits into another model. On x86-64 Linux with AVX2 the kernels are pinned: ATen's to AVX2 (<c>ATEN_CPU_CAPABILITY</c>),
/// MKL's to its conditional-numerical-reproducibility branch <c>COMPATIBLE,STRICT</c> (<c>MKL_CBWR</c>; the one branch
/// MKL documents as giving the same results on Intel and non-Intel processors, and the only one it accepts on AMD:
/// AVX2 falls back to AUTO there), oneDNN's to AVX2 (<c>ONEDNN_MAX_CPU_ISA</c>). So a seed gives the same bits on any
/// such machine whatever the environment says. The variables are set with libc's
/// <c>setenv</c>, since .NET's Environment.SetEnvironmentVariable does not reach the native environment on Unix, before
/// libtorch reads them; <see cref="Initialize"/> reads back what libtorch and MKL took and refuses to go on if the pin did
/// not reach them.</para>
/// </remarks>
public static partial class TorchRuntime
{
    private const int MallocTrimThreshold = -1, MallocMmapThreshold = -3;
    private const int MklCbwrAll = ~0, MklCbwrStrict = 0x10000;
    private static readonly Lock Gate = new();
    private static bool _prepared;
    private static TorchKernels? _kernels;

    /// <summary>The pinned instruction set of libtorch's kernels, as ATen names it.</summary>
    public const string PinnedCapability = "AVX2";

    /// <summary>The pinned MKL branch, as <see cref="MklBranch"/> names it.</summary>
    public const string PinnedMklBranch = "COMPATIBLE,STRICT";

    /// <summary>Whether this process pins the kernels: x86-64 Linux with AVX2 and FMA.</summary>
    public static bool CanPin => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64 && Avx2.IsSupported && Fma.IsSupported;

    /// <summary>
    /// Sets the process up for libtorch without loading it: the kernel pin, the malloc thresholds and OpenMP's wait
    /// policy. Idempotent; call before anything that may load libtorch (every entry point of this library does).
    /// </summary>
    public static void Prepare()
    {
        lock (Gate)
        {
            if (_prepared)
            {
                return;
            }
            if (OperatingSystem.IsLinux())
            {
                // libgomp reads OMP_WAIT_POLICY when libtorch loads it; a user's own setting is kept.
                _ = SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0);
                if (CanPin)
                {
                    // Overwritten: the pin holds whatever the caller's environment asks for.
                    _ = SetEnv("ATEN_CPU_CAPABILITY", PinnedCapability.ToLowerInvariant(), 1);
                    _ = SetEnv("MKL_CBWR", PinnedMklBranch, 1);
                    _ = SetEnv("ONEDNN_MAX_CPU_ISA", "AVX2", 1);
                }
                _ = MallOpt(MallocTrimThreshold, 1 << 30);
                _ = MallOpt(MallocMmapThreshold, 1 << 30);
            }
            _prepared = true;
        }
    }

    /// <summary>Prepares the process once (<see cref="Prepare"/>), loads libtorch, checks the pin and sets torch's thread count.</summary>
    /// <param name="threads">Intra-op threads; 0 or less for the core count.</param>
    /// <exception cref="InvalidOperationException">libtorch was loaded before the pin was set, and runs other kernels.</exception>
    public static void Initialize(int threads = 0)
    {
        _ = Kernels;
        torch.set_num_threads(threads > 0 ? threads : Environment.ProcessorCount);
    }

    /// <summary>What libtorch runs in this process: loads it (after <see cref="Prepare"/>) and reads its kernels once.</summary>
    /// <exception cref="InvalidOperationException">libtorch was loaded before the pin was set, and runs other kernels.</exception>
    public static TorchKernels Kernels
    {
        get
        {
            Prepare();
            lock (Gate)
            {
                _kernels ??= TorchKernels.Read();
            }
            if (CanPin && !_kernels.Pinned)
            {
                throw new InvalidOperationException(
                    $"libtorch runs {_kernels.AtenCapability} kernels and MKL branch {_kernels.MklBranch}, not the pinned {PinnedCapability} and {PinnedMklBranch}: something loaded libtorch before TorchRuntime.Prepare; call TorchRuntime.Initialize before any other torch call");
            }
            return _kernels;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    /// <summary>MKL's conditional-numerical-reproducibility setting, as MKL reports it (<c>mkl_cbwr_get(MKL_CBWR_ALL)</c>).</summary>
    internal static string MklBranch()
    {
        int cbwr = MklCbwrGet(MklCbwrAll);
        string branch = (cbwr & 0xFFFF) switch
        {
            1 => "OFF", 2 => "AUTO", 3 => "COMPATIBLE", 4 => "SSE2", 6 => "SSSE3", 7 => "SSE4_1", 8 => "SSE4_2", 9 => "AVX", 10 => "AVX2",
            12 => "AVX512", 14 => "AVX512_E1", _ => $"0x{cbwr & 0xFFFF:x}",
        };
        return (cbwr & MklCbwrStrict) != 0 ? branch + ",STRICT" : branch;
    }

    /// <summary>
    /// ATen's CPU capability, from <c>at::get_cpu_capability()</c>: a C++ function returning a <c>std::string</c> (the
    /// C++11 ABI's 32-byte layout, returned through a hidden pointer). Its names (DEFAULT, AVX2, AVX512) fit the string's
    /// inline buffer, so nothing is allocated to free. "unknown" where the symbol is missing.
    /// </summary>
    internal static unsafe string AtenCapability()
    {
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", typeof(TorchRuntime).Assembly, null, out var library)
            || !NativeLibrary.TryGetExport(library, "_ZN2at18get_cpu_capabilityB5cxx11Ev", out var function))
        {
            return "unknown";
        }
        var text = stackalloc byte[32];
        ((delegate* unmanaged<byte*, byte*>)function)(text);
        byte* data = *(byte**)text;
        nuint length = *(nuint*)(text + 8);
        string capability = System.Text.Encoding.ASCII.GetString(data, (int)length);
        return data == text + 16 ? capability : capability + " (not freed)";
    }

    [LibraryImport("libtorch_cpu", EntryPoint = "mkl_serv_cbwr_get")]
    private static partial int MklCbwrGet(int option);
}

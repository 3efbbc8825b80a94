using System.Runtime.InteropServices;
using TorchSharp;

namespace NeuronSurrogate.Torch;

/// <summary>
/// Prepares the process for TorchSharp on Linux before the first torch call. Measured on the 2-core development
/// machine: glibc returned large tensor buffers to the OS on every call (inference about 10× slower) until the trim
/// and mmap thresholds were raised; libgomp's spin-waiting under load caused up to 20× slowdowns, avoided with a
/// passive wait policy. Both are set here, in the product, not in a shell profile.
/// </summary>
public static partial class TorchRuntime
{
    private const int MallocTrimThreshold = -1, MallocMmapThreshold = -3;
    private static readonly Lock Gate = new();
    private static bool _initialized;

    /// <summary>Applies the settings once per process and sets torch's thread count.</summary>
    /// <param name="threads">Intra-op threads; 0 or less for the core count.</param>
    public static void Initialize(int threads = 0)
    {
        lock (Gate)
        {
            if (!_initialized)
            {
                if (OperatingSystem.IsLinux())
                {
                    // libgomp reads OMP_WAIT_POLICY when libtorch loads it, i.e. at the first torch call below. .NET's
                    // Environment.SetEnvironmentVariable does not reach the native environment on Unix: call setenv.
                    _ = SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0);
                    _ = MallOpt(MallocTrimThreshold, 1 << 30);
                    _ = MallOpt(MallocMmapThreshold, 1 << 30);
                }
                _initialized = true;
            }
            torch.set_num_threads(threads > 0 ? threads : Environment.ProcessorCount);
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}

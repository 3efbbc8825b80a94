using TorchSharp;

namespace NeuronSurrogate.Torch;

/// <summary>
/// The Scalars the project passes to libtorch, made once and never freed. TorchSharp frees a Scalar's native memory only in
/// its finalizer; one made for a single call (a number, or the default <c>alpha</c> of <c>add</c> and <c>sub</c>) is
/// unreachable once its handle is read, so a collection that another thread starts can free it while libtorch still
/// reads it (dotnet/TorchSharp#1434; the main job crashed that way). A static field keeps these alive for the process.
/// Every other number enters as a tensor the caller holds; build/BannedSymbols.TorchSharp.txt makes the implicit forms
/// compile errors.
/// </summary>
public static class TorchScalars
{
    /// <summary>1, the <c>alpha</c> of a plain <c>add</c> or <c>sub</c>.</summary>
    public static Scalar One { get; } = Make(1);

    private static Scalar Make(int value)
    {
        // Making a Scalar loads libtorch: the process settings (kernel pin, malloc, OpenMP) must be in place first.
        TorchRuntime.Prepare();
        return value.ToScalar();
    }
}

namespace NeuronSurrogate.Simulation;

/// <summary>
/// The few double-precision vector operations the batch kernel needs, over one hardware vector width.
/// The kernel is written once against this interface and specialized by the JIT for each width
/// (generic value types get their own code), so the 512- and 256-bit paths cannot drift apart.
/// </summary>
internal interface ISimdLanes<TSelf> where TSelf : struct, ISimdLanes<TSelf>
{
    static abstract int Count { get; }
    static abstract bool IsAccelerated { get; }
    static abstract TSelf Create(double value);
    static abstract TSelf Load(ref double source, nuint elementOffset);
    static abstract void Store(TSelf value, ref double destination, nuint elementOffset);
    static abstract TSelf operator +(TSelf left, TSelf right);
    static abstract TSelf operator -(TSelf left, TSelf right);
    static abstract TSelf operator *(TSelf left, TSelf right);
    /// <summary>All bits set in lanes where left ≥ right.</summary>
    static abstract TSelf GreaterThanOrEqual(TSelf left, TSelf right);
    /// <summary>Per lane: mask ? ifTrue : ifFalse.</summary>
    static abstract TSelf Select(TSelf mask, TSelf ifTrue, TSelf ifFalse);
    /// <summary>Whether any lane holds NaN.</summary>
    static abstract bool AnyNaN(TSelf value);
}

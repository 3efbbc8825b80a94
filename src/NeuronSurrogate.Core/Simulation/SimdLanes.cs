using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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

internal readonly struct Lanes512(Vector512<double> value) : ISimdLanes<Lanes512>
{
    private readonly Vector512<double> _v = value;
    public static int Count => Vector512<double>.Count;
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Create(double value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Load(ref double source, nuint elementOffset) => new(Vector512.LoadUnsafe(ref source, elementOffset));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes512 value, ref double destination, nuint elementOffset) => value._v.StoreUnsafe(ref destination, elementOffset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator +(Lanes512 left, Lanes512 right) => new(left._v + right._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator -(Lanes512 left, Lanes512 right) => new(left._v - right._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator *(Lanes512 left, Lanes512 right) => new(left._v * right._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 GreaterThanOrEqual(Lanes512 left, Lanes512 right) => new(Vector512.GreaterThanOrEqual(left._v, right._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Select(Lanes512 mask, Lanes512 ifTrue, Lanes512 ifFalse) => new(Vector512.ConditionalSelect(mask._v, ifTrue._v, ifFalse._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyNaN(Lanes512 value) => !Vector512.EqualsAll(value._v, value._v);
}

internal readonly struct Lanes256(Vector256<double> value) : ISimdLanes<Lanes256>
{
    private readonly Vector256<double> _v = value;
    public static int Count => Vector256<double>.Count;
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Create(double value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Load(ref double source, nuint elementOffset) => new(Vector256.LoadUnsafe(ref source, elementOffset));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes256 value, ref double destination, nuint elementOffset) => value._v.StoreUnsafe(ref destination, elementOffset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator +(Lanes256 left, Lanes256 right) => new(left._v + right._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator -(Lanes256 left, Lanes256 right) => new(left._v - right._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator *(Lanes256 left, Lanes256 right) => new(left._v * right._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 GreaterThanOrEqual(Lanes256 left, Lanes256 right) => new(Vector256.GreaterThanOrEqual(left._v, right._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Select(Lanes256 mask, Lanes256 ifTrue, Lanes256 ifFalse) => new(Vector256.ConditionalSelect(mask._v, ifTrue._v, ifFalse._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyNaN(Lanes256 value) => !Vector256.EqualsAll(value._v, value._v);
}

/// <summary>One lane: the same kernel, for the traces left over after the last full vector.</summary>
internal readonly struct LanesScalar(double value) : ISimdLanes<LanesScalar>
{
    private readonly double _v = value;
    public static int Count => 1;
    public static bool IsAccelerated => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesScalar Create(double value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesScalar Load(ref double source, nuint elementOffset) => new(Unsafe.Add(ref source, elementOffset));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(LanesScalar value, ref double destination, nuint elementOffset) => Unsafe.Add(ref destination, elementOffset) = value._v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesScalar operator +(LanesScalar left, LanesScalar right) => new(left._v + right._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesScalar operator -(LanesScalar left, LanesScalar right) => new(left._v - right._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesScalar operator *(LanesScalar left, LanesScalar right) => new(left._v * right._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesScalar GreaterThanOrEqual(LanesScalar left, LanesScalar right) => new(left._v >= right._v ? 1.0 : 0.0);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesScalar Select(LanesScalar mask, LanesScalar ifTrue, LanesScalar ifFalse) => mask._v != 0.0 ? ifTrue : ifFalse;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyNaN(LanesScalar value) => double.IsNaN(value._v);
}

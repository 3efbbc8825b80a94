using System.Runtime.CompilerServices;

namespace NeuronSurrogate.Simulation;

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

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuronSurrogate.Simulation;

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

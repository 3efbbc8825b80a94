using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuronSurrogate.Simulation;

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

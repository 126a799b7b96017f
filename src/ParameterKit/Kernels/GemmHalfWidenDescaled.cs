using System.Runtime.CompilerServices;

namespace ParameterKit.Kernels;

/// <summary>
/// An exact widening's values times 2^-112: the form <see cref="GemmFloat16FiniteBits"/> gives for finite halves, with
/// infinities and NaNs kept. The dot-form kernel redoes with it the rare row the fast widening could not represent:
/// that kernel scaled x by 2^112 once for the whole call (<see cref="IGemmHalfWiden{TVector}.InputScale"/>), and the
/// products must stay the true ones. Multiplying by 2^-112 is exact for every half (a subnormal half lands on a
/// subnormal float with all its bits), so the redone row's sums are bit for bit the exact widening's.
/// </summary>
/// <typeparam name="TExact">The exact widening.</typeparam>
/// <typeparam name="TOps">The path's vector operations.</typeparam>
/// <typeparam name="TVector">The path's float vector.</typeparam>
internal readonly unsafe struct GemmWidenDescaled<TExact, TOps, TVector> : IGemmHalfWiden<TVector>
    where TExact : struct, IGemmHalfWiden<TVector>
    where TOps : struct, IGemmVectorOps<TVector>
    where TVector : struct
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Low(ushort* source) => TOps.Multiply(TExact.Low(source), TOps.Broadcast(GemmFloat16FiniteBits.Descale));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector High(ushort* source) => TOps.Multiply(TExact.High(source), TOps.Broadcast(GemmFloat16FiniteBits.Descale));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Even(ushort* source) => TOps.Multiply(TExact.Even(source), TOps.Broadcast(GemmFloat16FiniteBits.Descale));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Odd(ushort* source) => TOps.Multiply(TExact.Odd(source), TOps.Broadcast(GemmFloat16FiniteBits.Descale));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => TExact.ToSingle(bits);

    public static float InputScale => GemmFloat16FiniteBits.InputScale;
}

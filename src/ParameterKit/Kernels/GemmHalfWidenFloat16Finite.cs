using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParameterKit.Kernels;

/// <summary>
/// IEEE f16 to float32 in registers, exact for every finite value, in three or four instructions instead of the exact
/// widening's seven or eight (<see cref="GemmFloat16Bits"/>): the matrix-vector kernels, which must widen each weight
/// as fast as memory delivers it, use this one and watch for the values it gets wrong.
/// </summary>
/// <remarks>
/// <para>With the half in the top 16 bits of a 32-bit lane, an arithmetic shift right by 3 puts its exponent and
/// mantissa where float32 keeps them (as <see cref="GemmFloat16Bits"/> explains, that is the half's magnitude times
/// 2^-112) and copies its sign into bits 31-28; masking with <see cref="SignExponentMantissa"/> keeps bit 31 and the
/// magnitude, and one multiplication by 2^112 gives the exact value of every zero, subnormal and normal half, sign
/// included. The sign merge and the infinity/NaN fix-up of the exact form are what this leaves out.</para>
/// <para>Infinities and NaNs (exponent 31) come out finite, at 65,536 to 131,008 in magnitude, where no finite half
/// reaches (the largest is 65,504). The kernels fold every widened vector into a running maximum magnitude
/// (<see cref="IGemmHalfWiden{TVector}.Watch"/>, one <c>vrangeps</c> with AVX-512 DQ) and, when it reaches
/// <see cref="LeastNonFinite"/>, redo that row or block of columns with the exact widening, in the same order of
/// additions. Checkpoints hold no infinities or NaNs in practice, so the redo costs nothing there, and a model that
/// does hold one still gets the exact result.</para>
/// </remarks>
internal static class GemmFloat16FiniteBits
{
    /// <summary>Bit 31 (the sign) and bits 27-13 (exponent and mantissa) after the shift.</summary>
    public const int SignExponentMantissa = unchecked((int)0x8FFFE000);

    /// <summary>The smallest magnitude an infinity or NaN widens to: 2^16. Every finite half is below it.</summary>
    public const float LeastNonFinite = 65536f;

    /// <summary>
    /// <c>vrangeps</c>'s control for "the larger magnitude, sign cleared": bits 1:0 = 11 (maximum absolute value),
    /// bits 3:2 = 10 (clear the sign bit).
    /// </summary>
    public const byte MaxMagnitude = 0b1011;

    /// <summary>Widens the halves in the top 16 bits of each lane (the low 16 bits are ignored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FromTop(Vector512<int> lanes) =>
        ((lanes >> 3) & Vector512.Create(SignExponentMantissa)).AsSingle() * Vector512.Create(GemmFloat16Bits.Rescale);

    /// <summary>Widens sign-extended halves (bits 31-16 copies of the sign), one per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FromSignExtended(Vector512<int> lanes) =>
        ((lanes << 13) & Vector512.Create(SignExponentMantissa)).AsSingle() * Vector512.Create(GemmFloat16Bits.Rescale);

    /// <summary>Widens the halves in the top 16 bits of each lane (the low 16 bits are ignored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FromTop(Vector256<int> lanes) =>
        ((lanes >> 3) & Vector256.Create(SignExponentMantissa)).AsSingle() * Vector256.Create(GemmFloat16Bits.Rescale);

    /// <summary>Widens sign-extended halves (bits 31-16 copies of the sign), one per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FromSignExtended(Vector256<int> lanes) =>
        ((lanes << 13) & Vector256.Create(SignExponentMantissa)).AsSingle() * Vector256.Create(GemmFloat16Bits.Rescale);

    /// <summary>Widens the halves in the top 16 bits of each lane (the low 16 bits are ignored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> FromTop(Vector<int> lanes) =>
        Vector.AsVectorSingle((lanes >> 3) & new Vector<int>(SignExponentMantissa)) * new Vector<float>(GemmFloat16Bits.Rescale);

    /// <summary>Widens sign-extended halves (bits 31-16 copies of the sign), one per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> FromSignExtended(Vector<int> lanes) =>
        Vector.AsVectorSingle((lanes << 13) & new Vector<int>(SignExponentMantissa)) * new Vector<float>(GemmFloat16Bits.Rescale);
}

/// <summary>f16 widening with AVX-512, exact on finite values, watched for the rest: 32 values per call.</summary>
internal readonly unsafe struct GemmWidenFloat16FiniteAvx512 : IGemmHalfWiden<Vector512<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Low(ushort* source) => GemmFloat16FiniteBits.FromSignExtended(Avx512F.ConvertToVector512Int32(Vector256.Load((short*)source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> High(ushort* source) => Low(source + 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Even(ushort* source) => GemmFloat16FiniteBits.FromTop(Vector512.Load((int*)source) << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Odd(ushort* source) => GemmFloat16FiniteBits.FromTop(Vector512.Load((int*)source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => GemmFloat16Bits.ToSingle(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Watch(Vector512<float> watch, Vector512<float> widened) =>
        Avx512DQ.IsSupported
            ? Avx512DQ.Range(watch, widened, GemmFloat16FiniteBits.MaxMagnitude)
            : Vector512.Max(watch, Vector512.Abs(widened));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SawNonFinite(Vector512<float> watch) => Vector512.GreaterThanOrEqualAny(watch, Vector512.Create(GemmFloat16FiniteBits.LeastNonFinite));
}

/// <summary>f16 widening with AVX2, exact on finite values, watched for the rest: 16 values per call.</summary>
internal readonly unsafe struct GemmWidenFloat16FiniteAvx2 : IGemmHalfWiden<Vector256<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Low(ushort* source) => GemmFloat16FiniteBits.FromSignExtended(Avx2.ConvertToVector256Int32(Vector128.Load((short*)source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> High(ushort* source) => Low(source + 8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Even(ushort* source) => GemmFloat16FiniteBits.FromTop(Vector256.Load((int*)source) << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Odd(ushort* source) => GemmFloat16FiniteBits.FromTop(Vector256.Load((int*)source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => GemmFloat16Bits.ToSingle(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Watch(Vector256<float> watch, Vector256<float> widened) => Vector256.Max(watch, Vector256.Abs(widened));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SawNonFinite(Vector256<float> watch) => Vector256.GreaterThanOrEqualAny(watch, Vector256.Create(GemmFloat16FiniteBits.LeastNonFinite));
}

/// <summary>f16 widening with <see cref="Vector{T}"/>, exact on finite values, watched for the rest.</summary>
internal readonly unsafe struct GemmWidenFloat16FinitePortable : IGemmHalfWiden<Vector<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Low(ushort* source) => GemmFloat16FiniteBits.FromSignExtended(Vector.WidenLower(Vector.Load((short*)source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> High(ushort* source) => GemmFloat16FiniteBits.FromSignExtended(Vector.WidenUpper(Vector.Load((short*)source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Even(ushort* source) => GemmFloat16FiniteBits.FromTop(Vector.Load((int*)source) << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Odd(ushort* source) => GemmFloat16FiniteBits.FromTop(Vector.Load((int*)source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => GemmFloat16Bits.ToSingle(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Watch(Vector<float> watch, Vector<float> widened) => Vector.Max(watch, Vector.Abs(widened));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SawNonFinite(Vector<float> watch) => Vector.GreaterThanOrEqualAny(watch, new Vector<float>(GemmFloat16FiniteBits.LeastNonFinite));
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParameterKit.Kernels;

/// <summary>
/// IEEE f16 to float32 in registers, for every finite value exactly its value times 2^-112, in two or three
/// instructions instead of the exact widening's seven or eight (<see cref="GemmFloat16Bits"/>): the matrix-vector
/// kernels, which must widen each weight as fast as memory delivers it, use this one with x scaled by 2^112
/// (<see cref="InputScale"/>), and watch for the values it gets wrong.
/// </summary>
/// <remarks>
/// <para>With the half in the top 16 bits of a 32-bit lane, an arithmetic shift right by 3 puts its exponent and
/// mantissa where float32 keeps them, which (as <see cref="GemmFloat16Bits"/> explains) reads as the half's magnitude
/// times 2^-112, and copies its sign into bits 31-28; masking with <see cref="SignExponentMantissa"/> keeps bit 31 and
/// the magnitude. That is w·2^-112 exactly for every zero, subnormal and normal half w, sign included: the normal
/// halves land on normal floats, the subnormal ones on subnormal floats, with every bit kept.</para>
/// <para>The multiplication by 2^112 that would give w itself is left to x instead: the kernels multiply x by 2^112 once
/// (a few hundred values) rather than every weight (millions), and an FMA's product (w·2^-112)·(x·2^112) is w·x
/// exactly, so the sums are bit for bit those of the exact widening. One Zen 4 core widened GPT-2's f16 weights 15-30%
/// faster this way in the axpy form, as fast as bf16 (<c>benchmarks/README.md</c>, "Zen 4, 4 Dec 2026 (second session)"). The kernels use it only while every |x| is below 2^16
/// (<see cref="FitsInputScale"/>), so x·2^112 cannot overflow; otherwise the call widens exactly.</para>
/// <para>Infinities and NaNs (exponent 31) come out wrong: finite, at 2^-96 to 2^-95 in magnitude. So the kernels
/// fold every block of stored halves into a running maximum (<see cref="IGemmHalfWiden{TVector}.Watch"/>: each half
/// added to itself, which drops its sign, then an unsigned 16-bit maximum, <see cref="Doubled(Vector256{float}, ushort*)"/>)
/// and, when it reaches <see cref="NonFiniteDoubled"/>, redo that row or block of columns with the exact widening, in
/// the same order of additions. Checkpoints hold no infinities or NaNs in practice, so the redo costs nothing there,
/// and a model that does hold one still gets the exact result.</para>
/// </remarks>
internal static unsafe class GemmFloat16FiniteBits
{
    /// <summary>Bit 31 (the sign) and bits 27-13 (exponent and mantissa) after the shift.</summary>
    public const int SignExponentMantissa = unchecked((int)0x8FFFE000);

    /// <summary>2^112: what x is multiplied by so that its products with the widened values are the true ones.</summary>
    public const float InputScale = GemmFloat16Bits.Rescale;

    /// <summary>2^-112 (the widened value of a half, over the half's value), for the exact widening used beside this one.</summary>
    public const float Descale = 1.925929944387236e-34f;

    /// <summary>
    /// The smallest doubled half (<c>(h + h) mod 2^16</c>, its sign dropped) of an infinity or a NaN: a half's exponent
    /// is all ones exactly when its doubled bits, read unsigned, are at least <c>0xF800</c>.
    /// </summary>
    public const ushort NonFiniteDoubled = 0xF800;

    /// <summary>The largest |x| the kernels scale by <see cref="InputScale"/>: 2^16, which times 2^112 is float32's limit.</summary>
    public const float InputLimit = 65536f;

    /// <summary>Whether every value of <paramref name="x"/> is finite and below <see cref="InputLimit"/> in magnitude, so
    /// that <c>x * InputScale</c> is finite and exact.</summary>
    public static bool FitsInputScale(ReadOnlySpan<float> x) =>
        x.IsEmpty || MathF.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(x)) < InputLimit; // NaN compares false

    /// <summary>
    /// <paramref name="watch"/> (start from zero) with the 32 halves at <paramref name="source"/> folded in: the
    /// unsigned 16-bit maximum of each half doubled, which is at least <see cref="NonFiniteDoubled"/> once any of them
    /// was an infinity or a NaN. Two instructions (<c>vpaddw</c>, <c>vpmaxuw</c>) per 32 values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Doubled(Vector512<float> watch, ushort* source)
    {
        Vector512<ushort> halves = Vector512.Load(source);
        return Vector512.Max(watch.AsUInt16(), halves + halves).AsSingle();
    }

    /// <summary>As the 512-bit <see cref="Doubled(Vector512{float}, ushort*)"/>, 16 halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Doubled(Vector256<float> watch, ushort* source)
    {
        Vector256<ushort> halves = Vector256.Load(source);
        return Vector256.Max(watch.AsUInt16(), halves + halves).AsSingle();
    }

    /// <summary>As the 512-bit <see cref="Doubled(Vector512{float}, ushort*)"/>, <c>2 * Vector&lt;float&gt;.Count</c> halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Doubled(Vector<float> watch, ushort* source)
    {
        Vector<ushort> halves = Vector.Load(source);
        return Vector.AsVectorSingle(Vector.Max(Vector.AsVectorUInt16(watch), halves + halves));
    }

    /// <summary>Widens the halves in the top 16 bits of each lane (the low 16 bits are ignored), times 2^-112.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FromTop(Vector512<int> lanes) => ((lanes >> 3) & Vector512.Create(SignExponentMantissa)).AsSingle();

    /// <summary>Widens sign-extended halves (bits 31-16 copies of the sign), one per lane, times 2^-112.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FromSignExtended(Vector512<int> lanes) => ((lanes << 13) & Vector512.Create(SignExponentMantissa)).AsSingle();

    /// <summary>Widens the halves in the top 16 bits of each lane (the low 16 bits are ignored), times 2^-112.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FromTop(Vector256<int> lanes) => ((lanes >> 3) & Vector256.Create(SignExponentMantissa)).AsSingle();

    /// <summary>Widens sign-extended halves (bits 31-16 copies of the sign), one per lane, times 2^-112.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FromSignExtended(Vector256<int> lanes) => ((lanes << 13) & Vector256.Create(SignExponentMantissa)).AsSingle();

    /// <summary>Widens the halves in the top 16 bits of each lane (the low 16 bits are ignored), times 2^-112.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> FromTop(Vector<int> lanes) => Vector.AsVectorSingle((lanes >> 3) & new Vector<int>(SignExponentMantissa));

    /// <summary>Widens sign-extended halves (bits 31-16 copies of the sign), one per lane, times 2^-112.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> FromSignExtended(Vector<int> lanes) => Vector.AsVectorSingle((lanes << 13) & new Vector<int>(SignExponentMantissa));
}

/// <summary>f16 widening with AVX-512, exact times 2^-112 on finite values, watched for the rest: 32 values per call.</summary>
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

    public static float InputScale => GemmFloat16FiniteBits.InputScale;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Watch(Vector512<float> watch, ushort* source) => GemmFloat16FiniteBits.Doubled(watch, source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SawNonFinite(Vector512<float> watch) => Vector512.GreaterThanOrEqualAny(watch.AsUInt16(), Vector512.Create(GemmFloat16FiniteBits.NonFiniteDoubled));
}

/// <summary>f16 widening with AVX2, exact times 2^-112 on finite values, watched for the rest: 16 values per call.</summary>
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

    public static float InputScale => GemmFloat16FiniteBits.InputScale;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Watch(Vector256<float> watch, ushort* source) => GemmFloat16FiniteBits.Doubled(watch, source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SawNonFinite(Vector256<float> watch) => Vector256.GreaterThanOrEqualAny(watch.AsUInt16(), Vector256.Create(GemmFloat16FiniteBits.NonFiniteDoubled));
}

/// <summary>f16 widening with <see cref="Vector{T}"/>, exact times 2^-112 on finite values, watched for the rest.</summary>
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

    public static float InputScale => GemmFloat16FiniteBits.InputScale;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Watch(Vector<float> watch, ushort* source) => GemmFloat16FiniteBits.Doubled(watch, source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SawNonFinite(Vector<float> watch) => Vector.GreaterThanOrEqualAny(Vector.AsVectorUInt16(watch), new Vector<ushort>(GemmFloat16FiniteBits.NonFiniteDoubled));
}

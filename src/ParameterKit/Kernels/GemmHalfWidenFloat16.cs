using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParameterKit.Kernels;

/// <summary>
/// IEEE f16 to float32 in registers, exactly, without a conversion instruction: .NET 10 exposes neither F16C's nor
/// AVX-512's <c>vcvtph2ps</c> as an intrinsic (nor does the JIT emit it for <see cref="Half"/> conversions; that came
/// after .NET 10), so the widening is integer and float arithmetic on the bit pattern.
/// </summary>
/// <remarks>
/// <para>For a half <c>h</c> in a 32-bit lane: <c>em13 = (h &lt;&lt; 13) &amp; 0x0FFFE000</c> is its exponent and
/// mantissa moved to float32's positions; read as a float32 it is the half's magnitude times 2^-112 (the exponents are
/// re-biased by 127 - 15 = 112 in one shift, and a half subnormal lands on a float32 subnormal with the same
/// significand), so one multiplication by 2^112 gives the exact value for zeros, subnormals and normals alike.
/// Infinities and NaNs (<c>em13 &gt;= 0x0F800000</c>) get the all-ones float32 exponent OR-ed in, which keeps the NaN
/// payload; the sign comes from bit 15 of the half, wherever the caller finds it at bit 31 (<c>h &lt;&lt; 16</c> for the
/// low half of a lane, the lane itself for the high half).</para>
/// <para>Why this form: the mask after the shift also drops the other half of a lane holding two halves, so
/// <see cref="IGemmHalfWiden{TVector}.Even"/> and <see cref="IGemmHalfWiden{TVector}.Odd"/> need no separate mask or
/// shift to isolate their half; the comparison is signed (every <c>em13</c> is below 2^28), which AVX2 has as one
/// instruction where an unsigned one takes three; and with AVX-512 the sign is merged by one <c>vpternlogd</c>.
/// <c>HalfGemmBenchmarks</c> in <c>benchmarks/README.md</c> holds the kernel figures against the earlier form (mask,
/// shift, multiply, unsigned compare, then three ORs).</para>
/// <para>The multiplication reads a float32 subnormal, so this assumes the process does not flush subnormal inputs to
/// zero (.NET never sets DAZ). <see cref="ToSingle"/> is the runtime's scalar <see cref="Half"/> conversion, which the
/// tests hold every one of the 65,536 patterns against, for every path.</para>
/// </remarks>
internal static class GemmFloat16Bits
{
    /// <summary>2^112 as float32: re-scales <c>em13</c> to the half's value.</summary>
    public const float Rescale = 5.192296858534828e33f;

    /// <summary>A half's exponent and mantissa bits, moved 13 places up to float32's.</summary>
    public const uint ExponentMantissa = 0x0FFFE000;

    /// <summary>The smallest <c>em13</c> of an infinity or NaN, less one (the comparison is "greater than").</summary>
    public const int LargestFinite = 0x0F7FFFFF;

    /// <summary>float32's all-ones exponent, for infinities and NaNs.</summary>
    public const uint AllOnesExponent = 0x7F800000;

    /// <summary>Bit 31.</summary>
    public const uint Sign = 0x80000000;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    /// <summary>The floats whose halves have <paramref name="em13"/> and the sign at bit 31 of <paramref name="signs"/> (other bits ignored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Widen(Vector512<uint> em13, Vector512<uint> signs)
    {
        Vector512<float> magnitude = em13.AsSingle() * Vector512.Create(Rescale);
        Vector512<uint> special = Vector512.GreaterThan(em13.AsInt32(), Vector512.Create(LargestFinite)).AsUInt32() & Vector512.Create(AllOnesExponent);
        // 0xF8 = A | (B & C): magnitude or special, with bit 31 taken from the signs.
        return Avx512F.TernaryLogic(magnitude.AsUInt32() | special, signs, Vector512.Create(Sign), 0xF8).AsSingle();
    }

    /// <summary>As the 512-bit <see cref="Widen(Vector512{uint}, Vector512{uint})"/>, with AVX2 only (no ternary logic).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Widen(Vector256<uint> em13, Vector256<uint> signs)
    {
        Vector256<float> magnitude = em13.AsSingle() * Vector256.Create(Rescale);
        Vector256<uint> special = Vector256.GreaterThan(em13.AsInt32(), Vector256.Create(LargestFinite)).AsUInt32() & Vector256.Create(AllOnesExponent);
        return (magnitude.AsUInt32() | special | (signs & Vector256.Create(Sign))).AsSingle();
    }

    /// <summary>As <see cref="Widen(Vector256{uint}, Vector256{uint})"/>, with <see cref="Vector{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Widen(Vector<uint> em13, Vector<uint> signs)
    {
        Vector<float> magnitude = Vector.AsVectorSingle(em13) * new Vector<float>(Rescale);
        Vector<uint> special = Vector.AsVectorUInt32(Vector.GreaterThan(Vector.AsVectorInt32(em13), new Vector<int>(LargestFinite))) & new Vector<uint>(AllOnesExponent);
        return Vector.AsVectorSingle(Vector.AsVectorUInt32(magnitude) | special | (signs & new Vector<uint>(Sign)));
    }

    /// <summary>Widens the halves in the low 16 bits of each lane (the high 16 bits are ignored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenLow(Vector512<uint> lanes) => Widen((lanes << 13) & Vector512.Create(ExponentMantissa), lanes << 16);

    /// <summary>Widens the halves in the high 16 bits of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenHigh(Vector512<uint> lanes) => Widen((lanes >>> 3) & Vector512.Create(ExponentMantissa), lanes);

    /// <summary>Widens the halves in the low 16 bits of each lane (the high 16 bits are ignored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenLow(Vector256<uint> lanes) => Widen((lanes << 13) & Vector256.Create(ExponentMantissa), lanes << 16);

    /// <summary>Widens the halves in the high 16 bits of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenHigh(Vector256<uint> lanes) => Widen((lanes >>> 3) & Vector256.Create(ExponentMantissa), lanes);

    /// <summary>Widens the halves in the low 16 bits of each lane (the high 16 bits are ignored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> WidenLow(Vector<uint> lanes) => Widen((lanes << 13) & new Vector<uint>(ExponentMantissa), lanes << 16);

    /// <summary>Widens the halves in the high 16 bits of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> WidenHigh(Vector<uint> lanes) => Widen((lanes >>> 3) & new Vector<uint>(ExponentMantissa), lanes);
}

/// <summary>f16 widening with AVX-512: 32 values per call.</summary>
internal readonly unsafe struct GemmWidenFloat16Avx512 : IGemmHalfWiden<Vector512<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Low(ushort* source) => GemmFloat16Bits.WidenLow(Avx512F.ConvertToVector512UInt32(Vector256.Load(source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> High(ushort* source) => Low(source + 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Even(ushort* source) => GemmFloat16Bits.WidenLow(Vector512.Load((uint*)source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Odd(ushort* source) => GemmFloat16Bits.WidenHigh(Vector512.Load((uint*)source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => GemmFloat16Bits.ToSingle(bits);
}

/// <summary>f16 widening with AVX2: 16 values per call.</summary>
internal readonly unsafe struct GemmWidenFloat16Avx2 : IGemmHalfWiden<Vector256<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Low(ushort* source) => GemmFloat16Bits.WidenLow(Avx2.ConvertToVector256Int32(Vector128.Load(source)).AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> High(ushort* source) => Low(source + 8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Even(ushort* source) => GemmFloat16Bits.WidenLow(Vector256.Load((uint*)source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Odd(ushort* source) => GemmFloat16Bits.WidenHigh(Vector256.Load((uint*)source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => GemmFloat16Bits.ToSingle(bits);
}

/// <summary>f16 widening with <see cref="Vector{T}"/>.</summary>
internal readonly unsafe struct GemmWidenFloat16Portable : IGemmHalfWiden<Vector<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Low(ushort* source) => GemmFloat16Bits.WidenLow(Vector.WidenLower(Vector.Load(source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> High(ushort* source) => GemmFloat16Bits.WidenLow(Vector.WidenUpper(Vector.Load(source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Even(ushort* source) => GemmFloat16Bits.WidenLow(Vector.Load((uint*)source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Odd(ushort* source) => GemmFloat16Bits.WidenHigh(Vector.Load((uint*)source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => GemmFloat16Bits.ToSingle(bits);
}

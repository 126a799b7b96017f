using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParameterKit.Kernels;

/// <summary>
/// IEEE f16 to float32 in registers, exactly, without a conversion instruction: .NET 10 exposes neither F16C's nor
/// AVX-512's <c>vcvtph2ps</c> as an intrinsic, so the widening is integer and float arithmetic on the bit pattern.
/// </summary>
/// <remarks>
/// For a half <c>h</c> with exponent-and-mantissa bits <c>em = h &amp; 0x7FFF</c>: <c>em &lt;&lt; 13</c> read as a float32 is
/// the half's magnitude times 2^-112 (the exponents are re-biased by 127 - 15 = 112 in one shift, and a half
/// subnormal lands on a float32 subnormal with the same significand), so one multiplication by 2^112 gives the exact
/// value for zeros, subnormals and normals alike. Infinities and NaNs (<c>em &gt;= 0x7C00</c>) get the all-ones
/// float32 exponent OR-ed in, which keeps the NaN payload; the sign is moved from bit 15 to bit 31. Six operations per
/// vector besides the zero-extension. The multiplication reads a float32 subnormal, so this assumes the process does
/// not flush subnormal inputs to zero (.NET never sets DAZ). <see cref="ToSingle"/> is the runtime's scalar
/// <see cref="Half"/> conversion, which the tests hold every one of the 65,536 patterns against.
/// </remarks>
internal static class GemmFloat16Bits
{
    /// <summary>2^112 as float32: re-scales <c>em &lt;&lt; 13</c> to the half's value.</summary>
    public const float Rescale = 5.192296858534828e33f;

    /// <summary>The smallest exponent-and-mantissa of an infinity or NaN.</summary>
    public const uint InfinityOrNaN = 0x7C00;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Widen(Vector512<uint> h)
    {
        Vector512<uint> em = h & Vector512.Create(0x7FFFu);
        Vector512<float> magnitude = (em << 13).AsSingle() * Vector512.Create(Rescale);
        Vector512<uint> special = Vector512.GreaterThanOrEqual(em, Vector512.Create(InfinityOrNaN)) & Vector512.Create(0x7F800000u);
        return (magnitude.AsUInt32() | special | ((h & Vector512.Create(0x8000u)) << 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Widen(Vector256<uint> h)
    {
        Vector256<uint> em = h & Vector256.Create(0x7FFFu);
        Vector256<float> magnitude = (em << 13).AsSingle() * Vector256.Create(Rescale);
        Vector256<uint> special = Vector256.GreaterThanOrEqual(em, Vector256.Create(InfinityOrNaN)) & Vector256.Create(0x7F800000u);
        return (magnitude.AsUInt32() | special | ((h & Vector256.Create(0x8000u)) << 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Widen(Vector<uint> h)
    {
        Vector<uint> em = h & new Vector<uint>(0x7FFFu);
        Vector<float> magnitude = Vector.AsVectorSingle(em << 13) * new Vector<float>(Rescale);
        Vector<uint> special = Vector.GreaterThanOrEqual(em, new Vector<uint>(InfinityOrNaN)) & new Vector<uint>(0x7F800000u);
        return Vector.AsVectorSingle(Vector.AsVectorUInt32(magnitude) | special | ((h & new Vector<uint>(0x8000u)) << 16));
    }
}

/// <summary>f16 widening with AVX-512: 32 values per call.</summary>
internal readonly unsafe struct GemmWidenFloat16Avx512 : IGemmHalfWiden<Vector512<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Low(ushort* source) => GemmFloat16Bits.Widen(Avx512F.ConvertToVector512UInt32(Vector256.Load(source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> High(ushort* source) => Low(source + 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Even(ushort* source) => GemmFloat16Bits.Widen(Vector512.Load((uint*)source) & Vector512.Create(0xFFFFu));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Odd(ushort* source) => GemmFloat16Bits.Widen(Vector512.Load((uint*)source) >>> 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => GemmFloat16Bits.ToSingle(bits);
}

/// <summary>f16 widening with AVX2: 16 values per call.</summary>
internal readonly unsafe struct GemmWidenFloat16Avx2 : IGemmHalfWiden<Vector256<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Low(ushort* source) => GemmFloat16Bits.Widen(Avx2.ConvertToVector256Int32(Vector128.Load(source)).AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> High(ushort* source) => Low(source + 8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Even(ushort* source) => GemmFloat16Bits.Widen(Vector256.Load((uint*)source) & Vector256.Create(0xFFFFu));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Odd(ushort* source) => GemmFloat16Bits.Widen(Vector256.Load((uint*)source) >>> 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => GemmFloat16Bits.ToSingle(bits);
}

/// <summary>f16 widening with <see cref="Vector{T}"/>.</summary>
internal readonly unsafe struct GemmWidenFloat16Portable : IGemmHalfWiden<Vector<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Low(ushort* source) => GemmFloat16Bits.Widen(Vector.WidenLower(Vector.Load(source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> High(ushort* source) => GemmFloat16Bits.Widen(Vector.WidenUpper(Vector.Load(source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Even(ushort* source) => GemmFloat16Bits.Widen(Vector.Load((uint*)source) & new Vector<uint>(0xFFFFu));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Odd(ushort* source) => GemmFloat16Bits.Widen(Vector.Load((uint*)source) >>> 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => GemmFloat16Bits.ToSingle(bits);
}

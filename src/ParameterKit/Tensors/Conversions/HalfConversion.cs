using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Tensors.Conversions;

/// <summary>IEEE half (f16) to float32 over little-endian bytes, vectorized with AVX-512 / 256-bit lanes.</summary>
/// <remarks>
/// The kernel is branch-free bit arithmetic (after F. Giesen's <c>half_to_float</c>): move exponent and mantissa
/// into place and rebias the exponent by 112; infinities and NaNs get a second rebias so their exponent is all
/// ones; subnormals are renormalized exactly by one float subtraction of the magic 2^-14. Every one of the 65,536
/// bit patterns gives the same bits as <see cref="ConversionReference.HalfToSingle"/> (NaN payloads included).
/// </remarks>
public static class HalfConversion
{
    /// <summary>Widens f16 values to float32 exactly.</summary>
    /// <param name="source">Little-endian f16 values, 2 bytes each (may be unaligned).</param>
    /// <param name="destination">Receives <c>source.Length / 2</c> values.</param>
    /// <exception cref="ArgumentException"><paramref name="source"/> is not exactly 2 bytes per destination element.</exception>
    public static void ToSingle(ReadOnlySpan<byte> source, Span<float> destination)
    {
        ConversionGuards.CheckLengths(source.Length, destination.Length, 2);
        ref ushort src = ref Unsafe.As<byte, ushort>(ref MemoryMarshal.GetReference(source));
        ref uint dst = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(destination));
        int n = destination.Length, i = 0;
        if (BitConverter.IsLittleEndian)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= n - Vector512<ushort>.Count; i += Vector512<ushort>.Count)
                {
                    (Vector512<uint> lo, Vector512<uint> hi) = Vector512.Widen(Vector512.LoadUnsafe(ref src, (nuint)i));
                    Widen(lo).StoreUnsafe(ref dst, (nuint)i);
                    Widen(hi).StoreUnsafe(ref dst, (nuint)(i + Vector512<uint>.Count));
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i <= n - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
                {
                    (Vector256<uint> lo, Vector256<uint> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref src, (nuint)i));
                    Widen(lo).StoreUnsafe(ref dst, (nuint)i);
                    Widen(hi).StoreUnsafe(ref dst, (nuint)(i + Vector256<uint>.Count));
                }
            }
        }
        for (; i < n; i++)
        {
            destination[i] = ConversionReference.HalfToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]));
        }
    }

    private const uint ExponentMask = 0x7C00u << 13;
    private const uint Rebias = (127 - 15) << 23;
    private const uint Magic = 113u << 23;

    private static Vector512<uint> Widen(Vector512<uint> h)
    {
        Vector512<uint> o = (h & Vector512.Create(0x7FFFu)) << 13;
        Vector512<uint> exponent = o & Vector512.Create(ExponentMask);
        o += Vector512.Create(Rebias);
        o += Vector512.Equals(exponent, Vector512.Create(ExponentMask)) & Vector512.Create(Rebias);
        Vector512<uint> subnormal = (o + Vector512.Create(1u << 23)).AsSingle().AsUInt32();
        subnormal = (subnormal.AsSingle() - Vector512.Create(Magic).AsSingle()).AsUInt32();
        o = Vector512.ConditionalSelect(Vector512.Equals(exponent, Vector512<uint>.Zero), subnormal, o);
        return o | ((h & Vector512.Create(0x8000u)) << 16);
    }

    private static Vector256<uint> Widen(Vector256<uint> h)
    {
        Vector256<uint> o = (h & Vector256.Create(0x7FFFu)) << 13;
        Vector256<uint> exponent = o & Vector256.Create(ExponentMask);
        o += Vector256.Create(Rebias);
        o += Vector256.Equals(exponent, Vector256.Create(ExponentMask)) & Vector256.Create(Rebias);
        Vector256<uint> subnormal = ((o + Vector256.Create(1u << 23)).AsSingle() - Vector256.Create(Magic).AsSingle()).AsUInt32();
        o = Vector256.ConditionalSelect(Vector256.Equals(exponent, Vector256<uint>.Zero), subnormal, o);
        return o | ((h & Vector256.Create(0x8000u)) << 16);
    }
}

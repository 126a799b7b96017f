using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Tensors.Conversions;

/// <summary>
/// bfloat16 ⇄ float32 over little-endian bytes, vectorized (AVX-512, AVX2/NEON-width, then scalar tail).
/// </summary>
/// <remarks>
/// bf16 is the upper half of a float32, so widening is a 16-bit shift and exact. Narrowing rounds to nearest,
/// ties to even (<c>bits + 0x7FFF + lsb</c>, then keep the top half), and keeps a NaN a NaN by setting the quiet
/// bit rather than rounding its payload away. Sources may be unaligned.
/// </remarks>
public static class BFloat16Conversion
{
    /// <summary>Widens bf16 values to float32: <c>destination[i] = bits(source[2i..2i+2]) &lt;&lt; 16</c>.</summary>
    /// <param name="source">Little-endian bf16 values, 2 bytes each.</param>
    /// <param name="destination">Receives <c>source.Length / 2</c> values.</param>
    /// <exception cref="ArgumentException"><paramref name="source"/> is not exactly 2 bytes per destination element.</exception>
    public static void ToSingle(ReadOnlySpan<byte> source, Span<float> destination)
    {
        ConversionGuards.CheckLengths(source.Length, destination.Length, 2, nameof(source));
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
                    (lo << 16).StoreUnsafe(ref dst, (nuint)i);
                    (hi << 16).StoreUnsafe(ref dst, (nuint)(i + Vector512<uint>.Count));
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i <= n - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
                {
                    (Vector256<uint> lo, Vector256<uint> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref src, (nuint)i));
                    (lo << 16).StoreUnsafe(ref dst, (nuint)i);
                    (hi << 16).StoreUnsafe(ref dst, (nuint)(i + Vector256<uint>.Count));
                }
            }
        }
        for (; i < n; i++)
        {
            destination[i] = ConversionReference.BFloat16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]));
        }
    }

    /// <summary>Narrows float32 values to bf16, rounding to nearest even; NaN stays NaN.</summary>
    /// <param name="source">float32 values.</param>
    /// <param name="destination">Receives <c>2 * source.Length</c> bytes of little-endian bf16.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not exactly 2 bytes per source element.</exception>
    public static void FromSingle(ReadOnlySpan<float> source, Span<byte> destination)
    {
        ConversionGuards.CheckLengths(destination.Length, source.Length, 2, nameof(destination));
        ref uint src = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(source));
        ref ushort dst = ref Unsafe.As<byte, ushort>(ref MemoryMarshal.GetReference(destination));
        int n = source.Length, i = 0;
        if (BitConverter.IsLittleEndian && Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                Vector256<uint> lo = Round(Vector256.LoadUnsafe(ref src, (nuint)i));
                Vector256<uint> hi = Round(Vector256.LoadUnsafe(ref src, (nuint)(i + Vector256<uint>.Count)));
                // Narrow keeps the low 16 bits of each lane, which is where Round left the bf16.
                Vector256.Narrow(lo, hi).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], ConversionReference.SingleToBFloat16(source[i]));
        }
    }

    private static Vector256<uint> Round(Vector256<uint> bits)
    {
        Vector256<uint> lsb = (bits >> 16) & Vector256<uint>.One;
        Vector256<uint> rounded = (bits + Vector256.Create(0x7FFFu) + lsb) >> 16;
        Vector256<float> value = bits.AsSingle();
        Vector256<uint> isNaN = ~Vector256.Equals(value, value).AsUInt32();
        Vector256<uint> quietNaN = (bits >> 16) | Vector256.Create(0x0040u);
        return Vector256.ConditionalSelect(isNaN, quietNaN, rounded);
    }
}

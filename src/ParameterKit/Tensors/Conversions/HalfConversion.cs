using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace ParameterKit.Tensors.Conversions;

/// <summary>IEEE half (f16) to float32 over little-endian bytes.</summary>
/// <remarks>
/// The vector work is the runtime's <see cref="TensorPrimitives.ConvertToSingle(ReadOnlySpan{Half}, Span{float})"/>,
/// a vectorized bit conversion (.NET 10 exposes no <c>vcvtph2ps</c>, so even the runtime widens with integer and
/// float operations, one call per vector; the GEMM's packing inlines its own widening for that reason).
/// It measured 2.5 to 4x faster here than a branch-free bit-manipulation kernel (rebias the exponent, renormalize
/// subnormals with one float subtraction), which is why that kernel is not kept. Every finite and infinite bit
/// pattern converts exactly as <see cref="ConversionReference.HalfToSingle"/> does; NaNs stay NaNs with their sign
/// (the instruction sets the quiet bit of a signalling NaN).
/// </remarks>
public static class HalfConversion
{
    /// <summary>Widens f16 values to float32 exactly.</summary>
    /// <param name="source">Little-endian f16 values, 2 bytes each (may be unaligned).</param>
    /// <param name="destination">Receives <c>source.Length / 2</c> values.</param>
    /// <exception cref="ArgumentException"><paramref name="source"/> is not exactly 2 bytes per destination element.</exception>
    public static void ToSingle(ReadOnlySpan<byte> source, Span<float> destination)
    {
        ConversionGuards.CheckLengths(source.Length, destination.Length, 2, nameof(source));
        if (BitConverter.IsLittleEndian)
        {
            TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
            return;
        }
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = ConversionReference.HalfToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]));
        }
    }
}

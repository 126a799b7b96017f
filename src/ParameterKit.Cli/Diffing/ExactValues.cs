using System.Buffers.Binary;
using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.Cli.Diffing;

/// <summary>
/// Element values as doubles for comparing two checkpoints. Float32 would hide what a diff exists to show: 2^24 + 1
/// and 2^24 are one float (an I64 step counter that moved reads "unchanged"), and an F64 of 1e300 becomes infinity,
/// so a change of it read NaN. The dtypes wider than float32's 24-bit significand are decoded straight to double;
/// every other dtype is exact in float32, so it goes through the vectorized float conversion and is widened.
/// </summary>
internal static class ExactValues
{
    /// <summary>Whether a float32 holds every value of <paramref name="dtype"/> exactly.</summary>
    public static bool FitsInSingle(DType dtype) => dtype is not (DType.F64 or DType.I64 or DType.U64 or DType.I32 or DType.U32);

    /// <summary>Decodes <paramref name="source"/> (little-endian elements of <paramref name="dtype"/>) into <paramref name="destination"/>.</summary>
    /// <param name="dtype">A dtype <see cref="ElementConversion.CanConvertToSingle"/> accepts.</param>
    /// <param name="source">Exactly <c>destination.Length</c> elements.</param>
    /// <param name="destination">Receives one value per element.</param>
    /// <param name="scratch">At least <c>destination.Length</c> floats, for the dtypes converted through float32.</param>
    public static void ToDouble(DType dtype, ReadOnlySpan<byte> source, Span<double> destination, Span<float> scratch)
    {
        if (FitsInSingle(dtype))
        {
            Span<float> singles = scratch[..destination.Length];
            ElementConversion.ToSingle(dtype, source, singles);
            for (int i = 0; i < singles.Length; i++)
            {
                destination[i] = singles[i];
            }
            return;
        }
        int size = dtype.BitSize() / 8;
        for (int i = 0; i < destination.Length; i++)
        {
            ReadOnlySpan<byte> e = source.Slice(i * size, size);
            destination[i] = dtype switch
            {
                DType.F64 => BinaryPrimitives.ReadDoubleLittleEndian(e),
                DType.I64 => BinaryPrimitives.ReadInt64LittleEndian(e),
                DType.U64 => BinaryPrimitives.ReadUInt64LittleEndian(e),
                DType.I32 => BinaryPrimitives.ReadInt32LittleEndian(e),
                _ => BinaryPrimitives.ReadUInt32LittleEndian(e),
            };
        }
    }
}

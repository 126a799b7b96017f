using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ParameterKit.Tensors.Conversions;

/// <summary>
/// Converts little-endian tensor bytes of any numeric <see cref="DType"/> to float32, ParameterKit's compute type.
/// </summary>
/// <remarks>
/// Supported: BOOL (nonzero is 1), U8, I8, U16, I16, U32, I32, U64, I64 (rounded to nearest float), F16, BF16,
/// F32, F64 (rounded), and the five FP8 formats. C64 (complex) and the sub-byte F4/F6 types have no defined
/// float32 conversion here: the crate does not define their bit packing.
/// </remarks>
public static class ElementConversion
{
    /// <summary>Whether <see cref="ToSingle"/> supports <paramref name="dtype"/>.</summary>
    /// <param name="dtype">The element type.</param>
    public static bool CanConvertToSingle(DType dtype) =>
        (uint)dtype < (uint)DTypes.All.Length && dtype is not (DType.C64 or DType.F4 or DType.F6E2M3 or DType.F6E3M2);

    /// <summary>Converts <paramref name="source"/>, holding elements of <paramref name="dtype"/>, to float32.</summary>
    /// <param name="dtype">The element type of <paramref name="source"/>.</param>
    /// <param name="source">Little-endian element bytes (may be unaligned).</param>
    /// <param name="destination">Receives one float per element.</param>
    /// <exception cref="NotSupportedException"><paramref name="dtype"/> is C64, F4, F6_E2M3 or F6_E3M2.</exception>
    /// <exception cref="ArgumentException"><paramref name="source"/> does not hold exactly <c>destination.Length</c> elements.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined value.</exception>
    public static void ToSingle(DType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (!CanConvertToSingle(dtype))
        {
            // An undefined value (a cast integer) is an argument error, named by SafeTensorsName's own check.
            _ = dtype.SafeTensorsName();
            throw new NotSupportedException($"Dtype {dtype.SafeTensorsName()} has no conversion to float32.");
        }
        int size = dtype.BitSize() / 8;
        ConversionGuards.CheckLengths(source.Length, destination.Length, size, nameof(source));
        switch (dtype)
        {
            case DType.F32 when BitConverter.IsLittleEndian:
                source.CopyTo(MemoryMarshal.AsBytes(destination));
                return;
            case DType.BF16:
                BFloat16Conversion.ToSingle(source, destination);
                return;
            case DType.F16:
                HalfConversion.ToSingle(source, destination);
                return;
            case DType.F8E5M2 or DType.F8E4M3 or DType.F8E8M0 or DType.F8E4M3Fnuz or DType.F8E5M2Fnuz:
                Float8Conversion.ToSingle(dtype, source, destination);
                return;
        }
        for (int i = 0; i < destination.Length; i++)
        {
            ReadOnlySpan<byte> e = source.Slice(i * size, size);
            destination[i] = dtype switch
            {
                DType.Bool => e[0] != 0 ? 1f : 0f,
                DType.U8 => e[0],
                DType.I8 => (sbyte)e[0],
                DType.U16 => BinaryPrimitives.ReadUInt16LittleEndian(e),
                DType.I16 => BinaryPrimitives.ReadInt16LittleEndian(e),
                DType.U32 => BinaryPrimitives.ReadUInt32LittleEndian(e),
                DType.I32 => BinaryPrimitives.ReadInt32LittleEndian(e),
                DType.U64 => BinaryPrimitives.ReadUInt64LittleEndian(e),
                DType.I64 => BinaryPrimitives.ReadInt64LittleEndian(e),
                DType.F32 => BinaryPrimitives.ReadSingleLittleEndian(e),
                DType.F64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(e),
                _ => throw new NotSupportedException($"Dtype {dtype.SafeTensorsName()} has no conversion to float32."),
            };
        }
    }
}

using System.Runtime.InteropServices;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.Gguf;

/// <summary>
/// Converts GGUF tensor bytes to float32: F32 (copied), F16 and BF16 (widened), Q8_0 and Q4_0 (dequantized block
/// by block, <c>value = scale * integer</c>, exactly as llama.cpp's <c>dequantize_row_*</c>).
/// </summary>
/// <remarks>
/// The vectorised block paths (<see cref="Q8_0Blocks"/>, <see cref="Q4_0Blocks"/>) produce bit-identical results to
/// their scalar references: each value is one float multiplication of the same two operands.
/// </remarks>
public static class GgufDequantization
{
    /// <summary>Dequantizes <paramref name="source"/>, holding whole blocks of <paramref name="type"/>, to float32.</summary>
    /// <param name="type">The storage type (<see cref="GgufTensorTypes.CanDequantize"/> must hold).</param>
    /// <param name="source">The blocks' bytes (may be unaligned).</param>
    /// <param name="destination">Receives the values: a whole number of blocks, <c>source.Length / BlockBytes * BlockSize</c>.</param>
    /// <exception cref="NotSupportedException"><paramref name="type"/> has no float32 conversion here.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="destination"/> is not a whole number of blocks, or <paramref name="source"/> does not hold exactly that many.
    /// </exception>
    public static void ToSingle(GgufTensorType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (!GgufTensorTypes.CanDequantize(type))
        {
            throw new NotSupportedException($"GGUF tensor type {GgufTensorTypes.Name(type)} has no conversion to float32 in ParameterKit.");
        }
        int blocks = CheckLengths(type, source, destination);
        switch (type)
        {
            case GgufTensorType.F32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                return;
            case GgufTensorType.F16:
                HalfConversion.ToSingle(source, destination);
                return;
            case GgufTensorType.BF16:
                BFloat16Conversion.ToSingle(source, destination);
                return;
            case GgufTensorType.Q8_0:
                Q8_0Blocks.Dequantize(source, destination, blocks);
                return;
            default:
                Q4_0Blocks.Dequantize(source, destination, blocks);
                return;
        }
    }

    /// <summary>Checks both lengths against the block layout and returns the number of blocks.</summary>
    internal static int CheckLengths(GgufTensorType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        int sourceBytes = source.Length, destinationValues = destination.Length;
        int size = GgufTensorTypes.BlockSize(type), bytes = GgufTensorTypes.BlockBytes(type);
        if (destinationValues % size != 0)
        {
            throw new ArgumentException(
                $"{GgufTensorTypes.Name(type)} stores blocks of {size} values; a destination of {destinationValues} values is not a whole number of them.",
                nameof(destination));
        }
        int blocks = destinationValues / size;
        if ((long)blocks * bytes != sourceBytes)
        {
            throw new ArgumentException(
                $"{blocks} blocks of {GgufTensorTypes.Name(type)} take {(long)blocks * bytes} bytes, but the source holds {sourceBytes}.", nameof(source));
        }
        return blocks;
    }
}

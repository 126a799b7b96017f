using System.Buffers.Binary;
using System.Runtime.Intrinsics;

namespace ParameterKit.Gguf;

/// <summary>
/// Q4_0: blocks of 32 values, each block an F16 scale d followed by 16 bytes of 4-bit integers. Byte j holds value
/// j in its low nibble and value j + 16 in its high nibble; value i is <c>d * (nibble - 8)</c> (18 bytes per 32
/// values, 0.5625 bytes per parameter).
/// </summary>
internal static class Q4_0Blocks
{
    internal const int Values = 32, Bytes = 18;

    /// <summary>Dequantizes <paramref name="blocks"/> blocks with the widest path the machine accelerates.</summary>
    internal static void Dequantize(ReadOnlySpan<byte> source, Span<float> destination, int blocks)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            DequantizeVector256(source, destination, blocks);
        }
        else
        {
            DequantizeScalar(source, destination, blocks);
        }
    }

    /// <summary>The algorithmic reference: one byte, two values at a time.</summary>
    internal static void DequantizeScalar(ReadOnlySpan<byte> source, Span<float> destination, int blocks)
    {
        for (int b = 0; b < blocks; b++)
        {
            ReadOnlySpan<byte> block = source.Slice(b * Bytes, Bytes);
            float d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
            Span<float> y = destination.Slice(b * Values, Values);
            for (int j = 0; j < Values / 2; j++)
            {
                byte packed = block[2 + j];
                y[j] = d * ((packed & 0x0F) - 8);
                y[j + Values / 2] = d * ((packed >> 4) - 8);
            }
        }
    }

    /// <summary>
    /// The 16 packed bytes are one 128-bit load; a mask and a shift split the low and high nibbles (the first and
    /// second 16 values), which widen to 32-bit integers, lose their offset of 8, and are scaled in the same single
    /// multiplication as the scalar path, so results are bit-identical.
    /// </summary>
    internal static void DequantizeVector256(ReadOnlySpan<byte> source, Span<float> destination, int blocks)
    {
        var eight = Vector256.Create(8);
        var lowNibble = Vector128.Create((byte)0x0F);
        for (int b = 0; b < blocks; b++)
        {
            ReadOnlySpan<byte> block = source.Slice(b * Bytes, Bytes);
            var d = Vector256.Create((float)BinaryPrimitives.ReadHalfLittleEndian(block));
            Vector128<byte> packed = Vector128.Create(block.Slice(2, Values / 2));
            Span<float> y = destination.Slice(b * Values, Values);
            Store(packed & lowNibble, d, y);
            Store(Vector128.ShiftRightLogical(packed, 4), d, y[(Values / 2)..]);
        }

        // Sixteen nibbles to sixteen floats: widen to 16-bit, then to two vectors of eight 32-bit integers.
        void Store(Vector128<byte> nibbles, Vector256<float> d, Span<float> y)
        {
            Vector256<ushort> wide = Vector256.Create(Vector128.WidenLower(nibbles), Vector128.WidenUpper(nibbles));
            (Vector256<uint> first, Vector256<uint> second) = Vector256.Widen(wide);
            (Vector256.ConvertToSingle(first.AsInt32() - eight) * d).CopyTo(y);
            (Vector256.ConvertToSingle(second.AsInt32() - eight) * d).CopyTo(y[8..]);
        }
    }
}

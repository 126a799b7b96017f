using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Gguf;

/// <summary>
/// Q8_0: blocks of 32 values, each block an F16 scale d followed by 32 signed bytes q; value i is <c>d * q[i]</c>
/// (34 bytes per 32 values, 1.0625 bytes per parameter). The one dequantizer of the format: GGUF reading, embedding
/// lookups of a Q8_0 table (<see cref="Parameters.Q8_0Matrix"/>) and the tall-product route of the Q8_0 GEMM all use it.
/// </summary>
internal static class Q8_0Blocks
{
    internal const int Values = 32, Bytes = 34;

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

    /// <summary>The algorithmic reference: one value at a time.</summary>
    internal static void DequantizeScalar(ReadOnlySpan<byte> source, Span<float> destination, int blocks)
    {
        for (int b = 0; b < blocks; b++)
        {
            ReadOnlySpan<byte> block = source.Slice(b * Bytes, Bytes);
            float d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
            Span<float> y = destination.Slice(b * Values, Values);
            for (int i = 0; i < Values; i++)
            {
                y[i] = d * (sbyte)block[2 + i];
            }
        }
    }

    /// <summary>
    /// 32 bytes are one 256-bit load; sign-extending them twice gives four vectors of eight 32-bit integers, each
    /// converted and scaled in one multiplication, the same one the scalar path makes, so results are bit-identical.
    /// </summary>
    internal static void DequantizeVector256(ReadOnlySpan<byte> source, Span<float> destination, int blocks)
    {
        for (int b = 0; b < blocks; b++)
        {
            ReadOnlySpan<byte> block = source.Slice(b * Bytes, Bytes);
            // The scale widened exactly, as the scalar path's cast does, with a few integer operations instead of the
            // runtime's software Half conversion: this loop also widens weight panels for Q8_0 prompts.
            var d = Vector256.Create(Kernels.Q8_0Scale.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(block)));
            Vector256<sbyte> q = Vector256.Create(MemoryMarshal.Cast<byte, sbyte>(block.Slice(2, Values)));
            (Vector256<short> low, Vector256<short> high) = Vector256.Widen(q);
            (Vector256<int> q0, Vector256<int> q1) = Vector256.Widen(low);
            (Vector256<int> q2, Vector256<int> q3) = Vector256.Widen(high);
            Span<float> y = destination.Slice(b * Values, Values);
            (Vector256.ConvertToSingle(q0) * d).CopyTo(y);
            (Vector256.ConvertToSingle(q1) * d).CopyTo(y[8..]);
            (Vector256.ConvertToSingle(q2) * d).CopyTo(y[16..]);
            (Vector256.ConvertToSingle(q3) * d).CopyTo(y[24..]);
        }
    }
}

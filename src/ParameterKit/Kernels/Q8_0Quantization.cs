using System.Buffers.Binary;

namespace ParameterKit.Kernels;

/// <summary>
/// Quantizes float32 weights to Q8_0 exactly as llama.cpp's <c>quantize_row_q8_0_ref</c> (what <c>llama-quantize</c>
/// writes): per block of 32 values, <c>d = amax / 127</c>, stored as F16 (rounded to nearest even), and
/// <c>q = roundf(x · (1 / d))</c>, rounded half away from zero, computed with the float32 d, not the stored F16 one.
/// The same float32 weights therefore give the same bytes as llama.cpp's tools, on every machine.
/// </summary>
internal static class Q8_0Quantization
{
    /// <summary>Values per block.</summary>
    public const int Block = 32;

    /// <summary>Bytes per block: the F16 scale and 32 signed bytes.</summary>
    public const int BlockBytes = 34;

    /// <summary>Quantizes <paramref name="values"/> (a whole number of blocks) into <paramref name="blocks"/>.</summary>
    /// <exception cref="ArgumentException">The lengths are not a whole number of blocks, or do not match.</exception>
    public static void Quantize(ReadOnlySpan<float> values, Span<byte> blocks)
    {
        if (values.Length % Block != 0 || (long)values.Length / Block * BlockBytes != blocks.Length)
        {
            throw new ArgumentException(
                $"{values.Length} values are not {blocks.Length / BlockBytes} whole blocks of {Block} ({blocks.Length} bytes of Q8_0).", nameof(values));
        }
        for (int b = 0; b < values.Length / Block; b++)
        {
            ReadOnlySpan<float> x = values.Slice(b * Block, Block);
            Span<byte> block = blocks.Slice(b * BlockBytes, BlockBytes);
            float amax = 0f;
            foreach (float v in x)
            {
                amax = MathF.Max(amax, MathF.Abs(v));
            }
            float d = amax / 127f;
            float inverse = d != 0f ? 1f / d : 0f;
            BinaryPrimitives.WriteHalfLittleEndian(block, (Half)d);
            for (int i = 0; i < Block; i++)
            {
                block[2 + i] = (byte)(sbyte)(int)MathF.Round(x[i] * inverse, MidpointRounding.AwayFromZero);
            }
        }
    }
}

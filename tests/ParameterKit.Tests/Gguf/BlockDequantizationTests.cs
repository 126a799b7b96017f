using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using ParameterKit.Gguf;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// The vectorised Q8_0 and Q4_0 paths against their scalar references, bit for bit, over random block counts
/// (including zero and counts whose value totals are not multiples of any vector width) and random bytes: every
/// scale a finite half, including subnormals and zero, and every integer pattern.
/// </summary>
public sealed class BlockDequantizationTests
{
    /// <summary>Random blocks: each starts with a finite F16 scale, the rest random bytes.</summary>
    private static byte[] RandomBlocks(int seed, int blocks, int blockBytes)
    {
        var random = new Random(seed);
        var bytes = new byte[blocks * blockBytes];
        random.NextBytes(bytes);
        for (int b = 0; b < blocks; b++)
        {
            Half scale;
            do
            {
                scale = BitConverter.UInt16BitsToHalf((ushort)random.Next(65536));
            }
            while (!Half.IsFinite(scale));
            BitConverter.TryWriteBytes(bytes.AsSpan(b * blockBytes), BitConverter.HalfToUInt16Bits(scale));
        }
        return bytes;
    }

    private static bool SameBits(float[] a, float[] b) =>
        a.AsSpan().SequenceEqual(b) || a.Select(BitConverter.SingleToInt32Bits).SequenceEqual(b.Select(BitConverter.SingleToInt32Bits));

    [Property(MaxTest = 200)]
    public Property Q8_0_vector_path_equals_the_scalar_reference(int seed, byte blockCount)
    {
        int blocks = blockCount % 40;
        byte[] source = RandomBlocks(seed, blocks, 34);
        var scalar = new float[blocks * 32];
        var vector = new float[blocks * 32];
        Q8_0Blocks.DequantizeScalar(source, scalar, blocks);
        Q8_0Blocks.DequantizeVector256(source, vector, blocks);
        var dispatched = new float[blocks * 32];
        GgufDequantization.ToSingle(GgufTensorType.Q8_0, source, dispatched);
        return (SameBits(scalar, vector) && SameBits(scalar, dispatched)).Label($"{blocks} blocks, seed {seed}");
    }

    [Property(MaxTest = 200)]
    public Property Q4_0_vector_path_equals_the_scalar_reference(int seed, byte blockCount)
    {
        int blocks = blockCount % 40;
        byte[] source = RandomBlocks(seed, blocks, 18);
        var scalar = new float[blocks * 32];
        var vector = new float[blocks * 32];
        Q4_0Blocks.DequantizeScalar(source, scalar, blocks);
        Q4_0Blocks.DequantizeVector256(source, vector, blocks);
        var dispatched = new float[blocks * 32];
        GgufDequantization.ToSingle(GgufTensorType.Q4_0, source, dispatched);
        return (SameBits(scalar, vector) && SameBits(scalar, dispatched)).Label($"{blocks} blocks, seed {seed}");
    }

    [Fact]
    public void The_references_follow_the_layout_by_hand()
    {
        // Q8_0: scale 0.5, integers -128, -1, 0, 1, 127 then zeros.
        byte[] q8 = new byte[34];
        BitConverter.TryWriteBytes(q8, BitConverter.HalfToUInt16Bits((Half)0.5f));
        q8[2] = 0x80; q8[3] = 0xFF; q8[4] = 0; q8[5] = 1; q8[6] = 127;
        var y = new float[32];
        Q8_0Blocks.DequantizeScalar(q8, y, 1);
        Assert.Equal([-64f, -0.5f, 0f, 0.5f, 63.5f], y[..5]);
        // Q4_0: scale 2; byte 0 holds value 0 (low nibble 0 -> -8) and value 16 (high nibble 15 -> 7).
        byte[] q4 = new byte[18];
        BitConverter.TryWriteBytes(q4, BitConverter.HalfToUInt16Bits((Half)2f));
        q4[2] = 0xF0;
        q4[17] = 0x98; // value 15: 8 -> 0; value 31: 9 -> 1
        Q4_0Blocks.DequantizeScalar(q4, y, 1);
        Assert.Equal((-16f, 14f, 0f, 2f, -16f), (y[0], y[16], y[15], y[31], y[1]));
    }

    [Fact]
    public void Lengths_that_are_not_whole_blocks_are_refused_naming_the_argument()
    {
        var e = Assert.Throws<ArgumentException>(() => GgufDequantization.ToSingle(GgufTensorType.Q8_0, new byte[34], new float[31]));
        Assert.Equal("destination", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => GgufDequantization.ToSingle(GgufTensorType.Q4_0, new byte[17], new float[32]));
        Assert.Equal("source", e.ParamName);
        Assert.Throws<NotSupportedException>(() => GgufDequantization.ToSingle(GgufTensorType.Q6_K, new byte[210], new float[256]));
        GgufDequantization.ToSingle(GgufTensorType.Q8_0, [], []);
    }

    [Fact]
    public void F16_and_BF16_widen_exactly()
    {
        float[] values = [0f, -0f, 1.5f, -65504f, 6.1035156e-05f];
        byte[] f16 = [.. values.SelectMany(v => BitConverter.GetBytes(BitConverter.HalfToUInt16Bits((Half)v)))];
        var y = new float[values.Length];
        GgufDequantization.ToSingle(GgufTensorType.F16, f16, y);
        Assert.Equal(values, y);
        byte[] bf16 = [.. values.SelectMany(v => BitConverter.GetBytes((ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)))];
        GgufDequantization.ToSingle(GgufTensorType.BF16, bf16, y);
        Assert.Equal(values.Select(v => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(v) & 0xFFFF0000)), y);
    }
}

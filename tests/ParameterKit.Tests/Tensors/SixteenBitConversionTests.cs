using System.Buffers.Binary;
using FsCheck.Xunit;
using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.Tests.Tensors;

/// <summary>
/// f16 and bf16 conversions against their scalar references over all 65,536 bit patterns, and FsCheck properties
/// for lengths that are not multiples of the vector width and sources that start at odd addresses.
/// </summary>
public sealed class SixteenBitConversionTests
{
    private static byte[] AllPatterns()
    {
        var bytes = new byte[65536 * 2];
        for (int i = 0; i < 65536; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)i);
        }
        return bytes;
    }

    /// <summary>Bit-exact, except that a NaN only needs to stay a NaN of the same sign (hardware quiets signalling NaNs).</summary>
    private static bool SameHalfConversion(float want, float got) => float.IsNaN(want)
        ? float.IsNaN(got) && float.IsNegative(want) == float.IsNegative(got)
        : BitConverter.SingleToUInt32Bits(want) == BitConverter.SingleToUInt32Bits(got);

    [Fact]
    public void Half_kernel_matches_reference_on_every_pattern()
    {
        var converted = new float[65536];
        HalfConversion.ToSingle(AllPatterns(), converted);
        for (int i = 0; i < 65536; i++)
        {
            Assert.True(SameHalfConversion(ConversionReference.HalfToSingle((ushort)i), converted[i]), $"pattern 0x{i:x4}");
        }
    }

    [Fact]
    public void Half_reference_agrees_with_the_runtime_half_type()
    {
        for (int i = 0; i < 65536; i++)
        {
            float ours = ConversionReference.HalfToSingle((ushort)i);
            float bcl = (float)BitConverter.UInt16BitsToHalf((ushort)i);
            if (float.IsNaN(bcl))
            {
                Assert.True(float.IsNaN(ours));
            }
            else
            {
                Assert.Equal(BitConverter.SingleToUInt32Bits(bcl), BitConverter.SingleToUInt32Bits(ours));
            }
        }
    }

    [Fact]
    public void BFloat16_kernel_is_a_shift_on_every_pattern()
    {
        var converted = new float[65536];
        BFloat16Conversion.ToSingle(AllPatterns(), converted);
        for (int i = 0; i < 65536; i++)
        {
            Assert.Equal((uint)i << 16, BitConverter.SingleToUInt32Bits(converted[i]));
            Assert.Equal((uint)i << 16, BitConverter.SingleToUInt32Bits(ConversionReference.BFloat16ToSingle((ushort)i)));
        }
    }

    [Theory]
    [InlineData(0x0000u)]
    [InlineData(0x7FFFu)]
    [InlineData(0x8000u)]
    [InlineData(0x8001u)]
    [InlineData(0xFFFFu)]
    [InlineData(0x0001u)]
    public void Single_to_bfloat16_kernel_matches_reference_for_every_upper_half(uint lowHalf)
    {
        var source = new float[65536];
        for (int i = 0; i < 65536; i++)
        {
            source[i] = BitConverter.UInt32BitsToSingle(((uint)i << 16) | lowHalf);
        }
        var bytes = new byte[65536 * 2];
        BFloat16Conversion.FromSingle(source, bytes);
        for (int i = 0; i < 65536; i++)
        {
            ushort got = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2 * i));
            Assert.Equal(ConversionReference.SingleToBFloat16(source[i]), got);
            Assert.Equal(float.IsNaN(source[i]), float.IsNaN(ConversionReference.BFloat16ToSingle(got)));
            if (!float.IsNaN(source[i]))
            {
                Assert.Equal(NearestEven(source[i]), got);
            }
        }
    }

    /// <summary>An independent statement of round-to-nearest-even via exact double arithmetic.</summary>
    private static ushort NearestEven(float x)
    {
        uint bits = BitConverter.SingleToUInt32Bits(x);
        ushort down = (ushort)(bits >> 16);
        ushort up = (ushort)(down + 1);
        double dx = x, dDown = BitConverter.UInt32BitsToSingle((uint)down << 16);
        // The upper neighbour of the largest finite magnitude is infinity, one ulp further on.
        double dUp = (down & 0x7FFF) == 0x7F7F
            ? Math.CopySign(Math.ScaleB(1.0, 128), dx)
            : BitConverter.UInt32BitsToSingle((uint)up << 16);
        double a = Math.Abs(dx - dDown), b = Math.Abs(dUp - dx);
        return a < b ? down : b < a ? up : (down & 1) == 0 ? down : up;
    }

    [Property(MaxTest = 200)]
    public bool Half_kernel_matches_reference_at_any_length_and_alignment(byte[] data, bool odd)
    {
        ReadOnlySpan<byte> source = data.AsSpan(odd && data.Length > 0 ? 1 : 0);
        source = source[..(source.Length & ~1)];
        var got = new float[source.Length / 2];
        HalfConversion.ToSingle(source, got);
        for (int i = 0; i < got.Length; i++)
        {
            float want = ConversionReference.HalfToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]));
            if (!SameHalfConversion(want, got[i]))
            {
                return false;
            }
        }
        return true;
    }

    [Property(MaxTest = 200)]
    public bool BFloat16_round_trip_at_any_length_and_alignment(byte[] data, bool odd)
    {
        ReadOnlySpan<byte> source = data.AsSpan(odd && data.Length > 0 ? 1 : 0);
        source = source[..(source.Length & ~1)];
        var widened = new float[source.Length / 2];
        BFloat16Conversion.ToSingle(source, widened);
        var back = new byte[source.Length];
        BFloat16Conversion.FromSingle(widened, back);
        for (int i = 0; i < widened.Length; i++)
        {
            ushort original = BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]);
            ushort again = BinaryPrimitives.ReadUInt16LittleEndian(back.AsSpan(2 * i));
            // Exact values survive the round trip; NaNs stay NaN (quieted).
            bool ok = float.IsNaN(widened[i]) ? float.IsNaN(ConversionReference.BFloat16ToSingle(again)) : again == original;
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    [Fact]
    public void Lengths_are_checked()
    {
        Assert.Equal("source", Assert.Throws<ArgumentException>(() => HalfConversion.ToSingle(new byte[3], new float[1])).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => BFloat16Conversion.FromSingle(new float[2], new byte[3])).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentException>(() => ElementConversion.ToSingle(DType.I32, new byte[7], new float[2])).ParamName);
    }

    [Fact]
    public void Undefined_dtypes_are_argument_errors_not_index_errors()
    {
        // A cast integer used to index the tables past their end (IndexOutOfRangeException).
        foreach (DType undefined in new[] { (DType)(-1), (DType)50, (DType)DTypes.All.Length })
        {
            Assert.Equal("dtype", Assert.Throws<ArgumentOutOfRangeException>(() => undefined.BitSize()).ParamName);
            Assert.Throws<ArgumentOutOfRangeException>(() => undefined.SafeTensorsName());
            Assert.Throws<ArgumentOutOfRangeException>(() => undefined.ByteCount(3));
            Assert.False(ElementConversion.CanConvertToSingle(undefined));
            Assert.Throws<ArgumentOutOfRangeException>(() => ElementConversion.ToSingle(undefined, new byte[4], new float[1]));
        }
        Assert.Equal(32, DType.F32.BitSize());
        Assert.Equal("U64", DType.U64.SafeTensorsName());
    }
}

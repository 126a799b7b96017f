using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.Tests.Tensors;

/// <summary>
/// The five FP8 formats: landmark values from each format's definition (OCP / PyTorch), NaN placement, and the
/// table-driven kernel against the scalar reference on all 256 patterns.
/// </summary>
public sealed class Float8ConversionTests
{
    public static TheoryData<DType, byte, float> Landmarks => new()
    {
        { DType.F8E5M2, 0x3C, 1f }, { DType.F8E5M2, 0x7B, 57344f }, { DType.F8E5M2, 0x7C, float.PositiveInfinity },
        { DType.F8E5M2, 0xFC, float.NegativeInfinity }, { DType.F8E5M2, 0x01, MathF.ScaleB(1, -16) }, { DType.F8E5M2, 0x80, -0f },
        { DType.F8E4M3, 0x38, 1f }, { DType.F8E4M3, 0x7E, 448f }, { DType.F8E4M3, 0x01, MathF.ScaleB(1, -9) },
        { DType.F8E4M3, 0xFE, -448f }, { DType.F8E4M3, 0x78, 256f },
        { DType.F8E4M3Fnuz, 0x40, 1f }, { DType.F8E4M3Fnuz, 0x7F, 240f }, { DType.F8E4M3Fnuz, 0x01, MathF.ScaleB(1, -10) },
        { DType.F8E5M2Fnuz, 0x40, 1f }, { DType.F8E5M2Fnuz, 0x7F, 57344f }, { DType.F8E5M2Fnuz, 0x01, MathF.ScaleB(1, -17) },
        { DType.F8E8M0, 127, 1f }, { DType.F8E8M0, 0, MathF.ScaleB(1, -127) }, { DType.F8E8M0, 254, MathF.ScaleB(1, 127) },
    };

    [Theory]
    [MemberData(nameof(Landmarks))]
    public void Landmark_values_decode_exactly(DType format, byte bits, float expected) =>
        Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(Float8Conversion.ToSingle(format, bits)));

    [Theory]
    [InlineData(DType.F8E5M2, new byte[] { 0x7D, 0x7E, 0x7F, 0xFD, 0xFE, 0xFF })]
    [InlineData(DType.F8E4M3, new byte[] { 0x7F, 0xFF })]
    [InlineData(DType.F8E4M3Fnuz, new byte[] { 0x80 })]
    [InlineData(DType.F8E5M2Fnuz, new byte[] { 0x80 })]
    [InlineData(DType.F8E8M0, new byte[] { 0xFF })]
    public void Exactly_the_format_s_NaN_patterns_decode_to_NaN(DType format, byte[] nans)
    {
        for (int b = 0; b < 256; b++)
        {
            Assert.Equal(nans.Contains((byte)b), float.IsNaN(Float8Conversion.ToSingle(format, (byte)b)));
        }
    }

    [Theory]
    [InlineData(DType.F8E5M2)]
    [InlineData(DType.F8E4M3)]
    [InlineData(DType.F8E8M0)]
    [InlineData(DType.F8E4M3Fnuz)]
    [InlineData(DType.F8E5M2Fnuz)]
    public void Span_kernel_matches_reference_on_all_patterns(DType format)
    {
        byte[] all = [.. Enumerable.Range(0, 256).Select(b => (byte)b)];
        var got = new float[256];
        ElementConversion.ToSingle(format, all, got);
        for (int b = 0; b < 256; b++)
        {
            Assert.Equal(BitConverter.SingleToUInt32Bits(ConversionReference.Float8ToSingle(format, (byte)b)), BitConverter.SingleToUInt32Bits(got[b]));
        }
    }

    [Fact]
    public void Non_fp8_formats_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Float8Conversion.ToSingle(DType.F16, 0));
        Assert.Throws<NotSupportedException>(() => ElementConversion.ToSingle(DType.C64, new byte[8], new float[1]));
    }
}

namespace ParameterKit.Tensors.Conversions;

/// <summary>
/// Naive, one-element-at-a-time decoders written straight from each format's definition. They are the
/// algorithmic reference the SIMD kernels and lookup tables are tested against (and the tables are built from),
/// so they favour obviousness over speed.
/// </summary>
internal static class ConversionReference
{
    /// <summary>IEEE half: 1 sign, 5 exponent (bias 15), 10 mantissa bits; NaN payloads move to the top of the float's.</summary>
    internal static float HalfToSingle(ushort bits)
    {
        uint sign = (uint)(bits >> 15) << 31;
        int exponent = (bits >> 10) & 0x1F;
        uint mantissa = bits & 0x3FFu;
        if (exponent == 0x1F)
        {
            return BitConverter.UInt32BitsToSingle(sign | 0x7F800000u | (mantissa << 13));
        }
        float magnitude = exponent == 0
            ? MathF.ScaleB(mantissa, -24)
            : MathF.ScaleB(1f + mantissa / 1024f, exponent - 15);
        return sign != 0 ? -magnitude : magnitude;
    }

    /// <summary>bfloat16 is the upper half of a float32, so widening is exact.</summary>
    internal static float BFloat16ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>
    /// Rounds a float32 to bfloat16, to nearest with ties to even. A NaN keeps its sign and upper payload and
    /// gets the quiet bit, so a NaN whose payload lives only in the low 16 bits does not become infinity.
    /// </summary>
    internal static ushort SingleToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }
        uint lsb = (bits >> 16) & 1;
        return (ushort)((bits + 0x7FFF + lsb) >> 16);
    }

    /// <summary>Decodes one FP8 byte of the given format (the OCP / PyTorch definitions, SPEC.md §3).</summary>
    internal static float Float8ToSingle(DType format, byte b)
    {
        bool negative = (b & 0x80) != 0;
        float magnitude;
        switch (format)
        {
            case DType.F8E5M2:
            {
                // IEEE-like: the top byte of a half.
                return HalfToSingle((ushort)(b << 8));
            }
            case DType.F8E4M3:
            {
                int e = (b >> 3) & 0xF, m = b & 0x7;
                if (e == 0xF && m == 0x7)
                {
                    return negative ? -float.NaN : float.NaN;
                }
                magnitude = e == 0 ? MathF.ScaleB(m, -9) : MathF.ScaleB(1f + m / 8f, e - 7);
                break;
            }
            case DType.F8E4M3Fnuz:
            {
                if (b == 0x80)
                {
                    return float.NaN;
                }
                int e = (b >> 3) & 0xF, m = b & 0x7;
                magnitude = e == 0 ? MathF.ScaleB(m, -10) : MathF.ScaleB(1f + m / 8f, e - 8);
                break;
            }
            case DType.F8E5M2Fnuz:
            {
                if (b == 0x80)
                {
                    return float.NaN;
                }
                int e = (b >> 2) & 0x1F, m = b & 0x3;
                magnitude = e == 0 ? MathF.ScaleB(m, -17) : MathF.ScaleB(1f + m / 4f, e - 16);
                break;
            }
            case DType.F8E8M0:
            {
                // Unsigned, exponent only: 2^(b - 127); all ones is NaN.
                return b == 0xFF ? float.NaN : MathF.ScaleB(1f, b - 127);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "not an FP8 dtype");
        }
        return negative ? -magnitude : magnitude;
    }
}

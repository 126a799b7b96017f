namespace ParameterKit.Tensors.Conversions;

/// <summary>
/// The five FP8 formats (E5M2, E4M3FN, E8M0, E4M3FNUZ, E5M2FNUZ) to float32. With 256 possible inputs, a
/// lookup table per format is both the fastest and the most obviously correct kernel; each table is built once
/// from the scalar reference decoder.
/// </summary>
public static class Float8Conversion
{
    private static readonly float[]?[] Tables = new float[(int)DType.F8E5M2Fnuz + 1][];

    /// <summary>Decodes a single FP8 value.</summary>
    /// <param name="format">One of <see cref="DType.F8E5M2"/>, <see cref="DType.F8E4M3"/>, <see cref="DType.F8E8M0"/>,
    /// <see cref="DType.F8E4M3Fnuz"/>, <see cref="DType.F8E5M2Fnuz"/>.</param>
    /// <param name="bits">The encoded byte.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not an FP8 dtype.</exception>
    public static float ToSingle(DType format, byte bits) => Table(format)[bits];

    /// <summary>Decodes FP8 values to float32.</summary>
    /// <param name="format">The FP8 dtype of <paramref name="source"/>.</param>
    /// <param name="source">One byte per element.</param>
    /// <param name="destination">Receives one value per source byte.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not an FP8 dtype.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void ToSingle(DType format, ReadOnlySpan<byte> source, Span<float> destination)
    {
        ConversionGuards.CheckLengths(source.Length, destination.Length, 1, nameof(source));
        ReadOnlySpan<float> table = Table(format);
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = table[source[i]];
        }
    }

    /// <summary>Whether <paramref name="dtype"/> is one of the five FP8 formats.</summary>
    /// <param name="dtype">The element type.</param>
    public static bool IsFloat8(DType dtype) => dtype is DType.F8E5M2 or DType.F8E4M3 or DType.F8E8M0
        or DType.F8E4M3Fnuz or DType.F8E5M2Fnuz;

    private static float[] Table(DType format)
    {
        if (!IsFloat8(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Not an FP8 dtype.");
        }
        // Racing threads may each build a table; they are identical, so the last write winning is harmless.
        return Tables[(int)format] ??= Build(format);
    }

    private static float[] Build(DType format)
    {
        var table = new float[256];
        for (int b = 0; b < 256; b++)
        {
            table[b] = ConversionReference.Float8ToSingle(format, (byte)b);
        }
        return table;
    }
}

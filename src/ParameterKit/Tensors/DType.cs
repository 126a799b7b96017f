namespace ParameterKit.Tensors;

/// <summary>
/// Element types, one for every dtype of the safetensors format. The numeric values follow the reference
/// crate's declaration order, which is also the order its writer sorts tensors on (descending).
/// </summary>
public enum DType
{
    /// <summary>Boolean, one byte per element.</summary>
    Bool = 0,
    /// <summary>MXFP4 E2M1, 4 bits, two elements per byte.</summary>
    F4 = 1,
    /// <summary>MXFP6 E2M3, 6 bits per element.</summary>
    F6E2M3 = 2,
    /// <summary>MXFP6 E3M2, 6 bits per element.</summary>
    F6E3M2 = 3,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8 = 4,
    /// <summary>Signed 8-bit integer.</summary>
    I8 = 5,
    /// <summary>FP8 E5M2 (IEEE-like: infinities and NaN).</summary>
    F8E5M2 = 6,
    /// <summary>FP8 E4M3FN (no infinities, max 448).</summary>
    F8E4M3 = 7,
    /// <summary>FP8 E8M0: an exponent-only scale.</summary>
    F8E8M0 = 8,
    /// <summary>FP8 E4M3FNUZ (bias 8, no negative zero, max 240).</summary>
    F8E4M3Fnuz = 9,
    /// <summary>FP8 E5M2FNUZ (bias 16, no negative zero, max 57344).</summary>
    F8E5M2Fnuz = 10,
    /// <summary>Signed 16-bit integer.</summary>
    I16 = 11,
    /// <summary>Unsigned 16-bit integer.</summary>
    U16 = 12,
    /// <summary>IEEE 754 half precision.</summary>
    F16 = 13,
    /// <summary>bfloat16: the upper 16 bits of a float32.</summary>
    BF16 = 14,
    /// <summary>Signed 32-bit integer.</summary>
    I32 = 15,
    /// <summary>Unsigned 32-bit integer.</summary>
    U32 = 16,
    /// <summary>IEEE 754 single precision: ParameterKit's compute type.</summary>
    F32 = 17,
    /// <summary>Complex number: float32 real part, then float32 imaginary part.</summary>
    C64 = 18,
    /// <summary>IEEE 754 double precision.</summary>
    F64 = 19,
    /// <summary>Signed 64-bit integer.</summary>
    I64 = 20,
    /// <summary>Unsigned 64-bit integer.</summary>
    U64 = 21,
}

/// <summary>Facts about each <see cref="DType"/>: its size and its name in safetensors headers.</summary>
public static class DTypes
{
    private static readonly string[] Names =
    [
        "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ",
        "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64",
    ];

    private static readonly byte[] Bits =
    [
        8, 4, 6, 6, 8, 8, 8, 8, 8, 8,
        8, 16, 16, 16, 16, 32, 32, 32, 64, 64, 64, 64,
    ];

    /// <summary>Every dtype, in the reference crate's order.</summary>
    public static ReadOnlySpan<DType> All =>
    [
        DType.Bool, DType.F4, DType.F6E2M3, DType.F6E3M2, DType.U8, DType.I8, DType.F8E5M2, DType.F8E4M3,
        DType.F8E8M0, DType.F8E4M3Fnuz, DType.F8E5M2Fnuz, DType.I16, DType.U16, DType.F16, DType.BF16,
        DType.I32, DType.U32, DType.F32, DType.C64, DType.F64, DType.I64, DType.U64,
    ];

    /// <summary>The number of bits one element occupies (4 and 6 for the sub-byte types).</summary>
    /// <param name="dtype">The element type.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined value.</exception>
    public static int BitSize(this DType dtype) => Bits[Index(dtype)];

    /// <summary>The exact name used in safetensors headers, for example <c>"BF16"</c> or <c>"F8_E4M3"</c>.</summary>
    /// <param name="dtype">The element type.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined value.</exception>
    public static string SafeTensorsName(this DType dtype) => Names[Index(dtype)];

    /// <summary>The row of <paramref name="dtype"/> in the tables above; an undefined value (a cast integer) is an argument error, not an IndexOutOfRangeException.</summary>
    private static int Index(DType dtype) =>
        (uint)dtype < (uint)Names.Length ? (int)dtype : throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a defined DType.");

    /// <summary>Parses a safetensors dtype name exactly (case-sensitive, as the reference crate does).</summary>
    /// <param name="name">The header's dtype string.</param>
    /// <param name="dtype">The parsed element type.</param>
    /// <returns><see langword="true"/> when <paramref name="name"/> is a known dtype.</returns>
    public static bool TryParseSafeTensorsName(ReadOnlySpan<char> name, out DType dtype)
    {
        for (int i = 0; i < Names.Length; i++)
        {
            if (name.SequenceEqual(Names[i]))
            {
                dtype = (DType)i;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    /// <summary>
    /// Bytes needed for <paramref name="elementCount"/> elements, or <see langword="null"/> when sub-byte
    /// elements do not fill whole bytes (the safetensors crate rejects such tensors as misaligned).
    /// </summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="elementCount">How many elements.</param>
    /// <exception cref="OverflowException">The byte count does not fit in a <see cref="long"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined value.</exception>
    public static long? ByteCount(this DType dtype, long elementCount)
    {
        long bits = checked(elementCount * dtype.BitSize());
        return bits % 8 == 0 ? bits / 8 : null;
    }
}

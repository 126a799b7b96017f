namespace ParameterKit.Gguf;

/// <summary>
/// The block layout of each <see cref="GgufTensorType"/>: how many values a block holds and how many bytes it
/// takes. A tensor's rows are whole blocks, so its size in bytes is exact: <c>elements / BlockSize * BlockBytes</c>.
/// </summary>
/// <example>
/// <code>
/// double q8 = GgufTensorTypes.BytesPerParameter(GgufTensorType.Q8_0); // 34 / 32 = 1.0625
/// </code>
/// </example>
public static class GgufTensorTypes
{
    /// <summary>
    /// Values per block and bytes per block, indexed by the type's number; (0, 0) for numbers llama.cpp does not define.
    /// The sizes are <c>sizeof</c> of ggml's block structs (ggml-common.h), not gguf-py's table, whose Q8_1 entry (40)
    /// still has the float32 scale and sum of an old layout; <c>Fixtures/gguf/block_sizes.c</c> prints them.
    /// </summary>
    private static readonly (int Values, int Bytes)[] Layouts = BuildLayouts();

    private static (int, int)[] BuildLayouts()
    {
        var layouts = new (int, int)[41];
        void Set(GgufTensorType type, int values, int bytes) => layouts[(int)type] = (values, bytes);
        Set(GgufTensorType.F32, 1, 4);
        Set(GgufTensorType.F16, 1, 2);
        Set(GgufTensorType.Q4_0, 32, 18);
        Set(GgufTensorType.Q4_1, 32, 20);
        Set(GgufTensorType.Q5_0, 32, 22);
        Set(GgufTensorType.Q5_1, 32, 24);
        Set(GgufTensorType.Q8_0, 32, 34);
        Set(GgufTensorType.Q8_1, 32, 36);
        Set(GgufTensorType.Q2_K, 256, 84);
        Set(GgufTensorType.Q3_K, 256, 110);
        Set(GgufTensorType.Q4_K, 256, 144);
        Set(GgufTensorType.Q5_K, 256, 176);
        Set(GgufTensorType.Q6_K, 256, 210);
        Set(GgufTensorType.Q8_K, 256, 292);
        Set(GgufTensorType.IQ2_XXS, 256, 66);
        Set(GgufTensorType.IQ2_XS, 256, 74);
        Set(GgufTensorType.IQ3_XXS, 256, 98);
        Set(GgufTensorType.IQ1_S, 256, 50);
        Set(GgufTensorType.IQ4_NL, 32, 18);
        Set(GgufTensorType.IQ3_S, 256, 110);
        Set(GgufTensorType.IQ2_S, 256, 82);
        Set(GgufTensorType.IQ4_XS, 256, 136);
        Set(GgufTensorType.I8, 1, 1);
        Set(GgufTensorType.I16, 1, 2);
        Set(GgufTensorType.I32, 1, 4);
        Set(GgufTensorType.I64, 1, 8);
        Set(GgufTensorType.F64, 1, 8);
        Set(GgufTensorType.IQ1_M, 256, 56);
        Set(GgufTensorType.BF16, 1, 2);
        Set(GgufTensorType.TQ1_0, 256, 54);
        Set(GgufTensorType.TQ2_0, 256, 66);
        Set(GgufTensorType.MXFP4, 32, 17);
        Set(GgufTensorType.NVFP4, 64, 36);
        return layouts;
    }

    /// <summary>Whether <paramref name="type"/> is a type llama.cpp defines, up to NVFP4 (40); numbers it retired are not.</summary>
    /// <param name="type">The type, possibly an arbitrary number read from a file.</param>
    public static bool IsDefined(GgufTensorType type) => (uint)type < (uint)Layouts.Length && Layouts[(int)type].Values != 0;

    /// <summary>How many values one block of <paramref name="type"/> holds (1 for the plain number types).</summary>
    /// <param name="type">A defined type.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not defined.</exception>
    public static int BlockSize(GgufTensorType type) => Layout(type).Values;

    /// <summary>How many bytes one block of <paramref name="type"/> takes.</summary>
    /// <param name="type">A defined type.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not defined.</exception>
    public static int BlockBytes(GgufTensorType type) => Layout(type).Bytes;

    /// <summary>
    /// Bytes per parameter, exactly: <c>BlockBytes / BlockSize</c> (F32 4, F16 and BF16 2, Q8_0 1.0625, Q4_0 0.5625,
    /// Q4_K 0.5625, Q6_K 0.8203125).
    /// </summary>
    /// <param name="type">A defined type.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not defined.</exception>
    public static double BytesPerParameter(GgufTensorType type)
    {
        (int values, int bytes) = Layout(type);
        return (double)bytes / values;
    }

    /// <summary>Whether <see cref="GgufDequantization.ToSingle"/> converts <paramref name="type"/> to float32.</summary>
    /// <param name="type">The type.</param>
    public static bool CanDequantize(GgufTensorType type) =>
        type is GgufTensorType.F32 or GgufTensorType.F16 or GgufTensorType.BF16 or GgufTensorType.Q8_0 or GgufTensorType.Q4_0;

    /// <summary>The name llama.cpp prints for <paramref name="type"/> (<c>Q8_0</c>, <c>BF16</c>), or its number when undefined.</summary>
    /// <param name="type">The type.</param>
    public static string Name(GgufTensorType type) => IsDefined(type) ? type.ToString() : $"type {(int)type}";

    private static (int Values, int Bytes) Layout(GgufTensorType type)
    {
        if (!IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), $"{(int)type} is not a tensor type this reader knows (llama.cpp's types up to NVFP4, 40).");
        }
        return Layouts[(int)type];
    }
}

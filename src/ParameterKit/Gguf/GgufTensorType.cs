namespace ParameterKit.Gguf;

/// <summary>
/// The storage type of a GGUF tensor, with the numbers llama.cpp stores (<c>ggml_type</c>). Every type llama.cpp
/// defines up to NVFP4 (40) is listed so that any file of them opens, is validated and counted;
/// <see cref="GgufTensorTypes.CanDequantize"/> says which ones ParameterKit converts to float32.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores",
    Justification = "The names are llama.cpp's own (Q8_0, Q4_K): the ones users read in file names, model cards and llama.cpp's output.")]
public enum GgufTensorType
{
    /// <summary>IEEE 754 single precision, 4 bytes per value.</summary>
    F32 = 0,
    /// <summary>IEEE 754 half precision, 2 bytes per value.</summary>
    F16 = 1,
    /// <summary>Blocks of 32 values: an F16 scale and 32 4-bit integers offset by 8 (18 bytes).</summary>
    Q4_0 = 2,
    /// <summary>Blocks of 32 values: F16 scale and minimum, 32 4-bit integers (20 bytes).</summary>
    Q4_1 = 3,
    /// <summary>Blocks of 32 values: F16 scale, 32 5-bit integers (22 bytes).</summary>
    Q5_0 = 6,
    /// <summary>Blocks of 32 values: F16 scale and minimum, 32 5-bit integers (24 bytes).</summary>
    Q5_1 = 7,
    /// <summary>Blocks of 32 values: an F16 scale and 32 signed 8-bit integers (34 bytes).</summary>
    Q8_0 = 8,
    /// <summary>Blocks of 32 values: F16 scale and sum, 32 signed 8-bit integers (36 bytes).</summary>
    Q8_1 = 9,
    /// <summary>Super-blocks of 256 values, 2.625 bits each (84 bytes).</summary>
    Q2_K = 10,
    /// <summary>Super-blocks of 256 values, 3.4375 bits each (110 bytes).</summary>
    Q3_K = 11,
    /// <summary>Super-blocks of 256 values: F16 scale and minimum, 8 sub-blocks with 6-bit scales, 4-bit values (144 bytes).</summary>
    Q4_K = 12,
    /// <summary>Super-blocks of 256 values, 5.5 bits each (176 bytes).</summary>
    Q5_K = 13,
    /// <summary>Super-blocks of 256 values: 16 sub-blocks with 8-bit scales, 6-bit values, an F16 scale (210 bytes).</summary>
    Q6_K = 14,
    /// <summary>Super-blocks of 256 values, 8-bit (292 bytes; llama.cpp's intermediate type).</summary>
    Q8_K = 15,
    /// <summary>Importance-matrix type, super-blocks of 256 values (66 bytes).</summary>
    IQ2_XXS = 16,
    /// <summary>Importance-matrix type, super-blocks of 256 values (74 bytes).</summary>
    IQ2_XS = 17,
    /// <summary>Importance-matrix type, super-blocks of 256 values (98 bytes).</summary>
    IQ3_XXS = 18,
    /// <summary>Importance-matrix type, super-blocks of 256 values (50 bytes).</summary>
    IQ1_S = 19,
    /// <summary>Non-linear 4-bit type, blocks of 32 values (18 bytes).</summary>
    IQ4_NL = 20,
    /// <summary>Importance-matrix type, super-blocks of 256 values (110 bytes).</summary>
    IQ3_S = 21,
    /// <summary>Importance-matrix type, super-blocks of 256 values (82 bytes).</summary>
    IQ2_S = 22,
    /// <summary>Non-linear 4-bit type, super-blocks of 256 values (136 bytes).</summary>
    IQ4_XS = 23,
    /// <summary>Signed 8-bit integer.</summary>
    I8 = 24,
    /// <summary>Signed 16-bit integer.</summary>
    I16 = 25,
    /// <summary>Signed 32-bit integer.</summary>
    I32 = 26,
    /// <summary>Signed 64-bit integer.</summary>
    I64 = 27,
    /// <summary>IEEE 754 double precision.</summary>
    F64 = 28,
    /// <summary>Importance-matrix type, super-blocks of 256 values (56 bytes).</summary>
    IQ1_M = 29,
    /// <summary>bfloat16: the upper half of a float32, 2 bytes per value.</summary>
    BF16 = 30,
    /// <summary>Ternary type, super-blocks of 256 values (54 bytes).</summary>
    TQ1_0 = 34,
    /// <summary>Ternary type, super-blocks of 256 values (66 bytes).</summary>
    TQ2_0 = 35,
    /// <summary>OCP microscaling FP4: blocks of 32 E2M1 values sharing one E8M0 exponent (17 bytes); gpt-oss is stored in it.</summary>
    MXFP4 = 39,
    /// <summary>NVIDIA FP4: blocks of 64 E2M1 values, an E4M3 scale per 16 (36 bytes).</summary>
    NVFP4 = 40,
}

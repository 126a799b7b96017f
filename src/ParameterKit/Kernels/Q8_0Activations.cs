using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels;

/// <summary>
/// Quantizes float32 activations to Q8_0 on the fly, as llama.cpp's x86 <c>quantize_row_q8_0</c> does before its
/// q8_0 x q8_0 dot: per block of 32 values, <c>amax = max |x|</c>, the scale <c>d = amax / 127</c> rounded to F16
/// (the value the dot multiplies by), and <c>q = round(x · 127 / amax)</c> to nearest, ties to even. Every element's
/// result is one multiplication and one rounding, so the vector and scalar forms agree bit for bit, and every
/// product path sees the same integers.
/// </summary>
internal static unsafe class Q8_0Activations
{
    /// <summary>Values per block.</summary>
    public const int Block = 32;

    /// <summary>
    /// Quantizes <paramref name="k"/> values of <paramref name="x"/> (a multiple of 32) into <paramref name="q"/>
    /// (k signed bytes) and <paramref name="scales"/> (k / 32 floats, each an F16 value).
    /// </summary>
    public static void QuantizeRow(float* x, int k, sbyte* q, float* scales)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            QuantizeRowVector256(x, k, q, scales);
        }
        else
        {
            QuantizeRowScalar(x, k, q, scales);
        }
    }

    /// <summary>The algorithmic reference: one value at a time.</summary>
    public static void QuantizeRowScalar(float* x, int k, sbyte* q, float* scales)
    {
        for (int b = 0; b < k / Block; b++)
        {
            float* xb = x + b * Block;
            float amax = 0f;
            for (int i = 0; i < Block; i++)
            {
                amax = MathF.Max(amax, MathF.Abs(xb[i]));
            }
            scales[b] = (float)(Half)(amax / 127f);
            float inverse = amax != 0f ? 127f / amax : 0f;
            for (int i = 0; i < Block; i++)
            {
                q[b * Block + i] = (sbyte)(int)MathF.Round(xb[i] * inverse);
            }
        }
    }

    /// <summary>Four 8-float vectors per block: the absolute maximum by lanes, then the same multiply and round per lane.</summary>
    public static void QuantizeRowVector256(float* x, int k, sbyte* q, float* scales)
    {
        for (int b = 0; b < k / Block; b++)
        {
            float* xb = x + b * Block;
            Vector256<float> v0 = Vector256.Load(xb), v1 = Vector256.Load(xb + 8), v2 = Vector256.Load(xb + 16), v3 = Vector256.Load(xb + 24);
            Vector256<float> m = Vector256.Max(Vector256.Max(Vector256.Abs(v0), Vector256.Abs(v1)), Vector256.Max(Vector256.Abs(v2), Vector256.Abs(v3)));
            Vector128<float> half = Vector128.Max(m.GetLower(), m.GetUpper());
            float amax = MathF.Max(MathF.Max(half[0], half[1]), MathF.Max(half[2], half[3]));
            scales[b] = (float)(Half)(amax / 127f);
            var inverse = Vector256.Create(amax != 0f ? 127f / amax : 0f);
            Vector256<int> i0 = Vector256.ConvertToInt32(Vector256.Round(v0 * inverse));
            Vector256<int> i1 = Vector256.ConvertToInt32(Vector256.Round(v1 * inverse));
            Vector256<int> i2 = Vector256.ConvertToInt32(Vector256.Round(v2 * inverse));
            Vector256<int> i3 = Vector256.ConvertToInt32(Vector256.Round(v3 * inverse));
            Vector256<sbyte> packed = Vector256.Narrow(Vector256.Narrow(i0, i1), Vector256.Narrow(i2, i3));
            packed.Store(q + b * Block);
        }
    }
}

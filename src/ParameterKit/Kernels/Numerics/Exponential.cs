using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels.Numerics;

/// <summary>
/// The library's one exponential: every softmax, GELU, SiLU, sigmoid and tanh computes e^x here, in training and
/// generation alike, so the two paths produce the same bits for the same inputs.
/// </summary>
/// <remarks>
/// <para>
/// Algorithm (Cephes <c>expf</c>): n = round(x·log₂e), r = x − n·ln2 with ln2 split in two (Cody–Waite) so the
/// product with n is exact, e^r from a degree-7 polynomial on |r| ≤ ln2/2 (relative error about 1 ulp), then a
/// multiply by 2ⁿ built from exponent bits in two halves, so 2ⁿ never leaves the normal range and the final
/// rounding into overflow (+∞ above about 88.72) or the subnormals is IEEE's own. NaN stays NaN.
/// </para>
/// <para>
/// Why not <see cref="MathF.Exp"/> or <c>TensorPrimitives.Exp</c>: neither promises that its scalar and vector forms
/// agree (TensorPrimitives falls back to <see cref="MathF.Exp"/> for rows shorter than a vector, and the GEMM
/// epilogue used <c>Vector256.Exp</c>), so the same activation computed by a fused kernel, a module and a remainder
/// loop could differ in the last bit. Here the scalar and the vector forms are the same sequence of IEEE adds,
/// multiplies and bit operations (no fused multiply-add, which .NET never introduces on its own), so they agree
/// exactly for every input and every row length. Its speed against the alternatives is compared by
/// <c>ExponentialBenchmarks</c> (benchmarks/ParameterKit.Benchmarks/Kernels).
/// </para>
/// </remarks>
internal static class Exponential
{
    // Beyond these the result is +∞ or +0 anyway; clamping keeps n inside the range the two-step scaling handles.
    private const float Lowest = -104f;
    private const float Highest = 89f;
    private const float Log2E = 1.44269504088896341f;
    // ln 2 = Ln2High + Ln2Low; Ln2High has 9 significant bits and |n| ≤ 151 has 8, so n·Ln2High is exact.
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float P0 = 1.9875691500e-4f;
    private const float P1 = 1.3981999507e-3f;
    private const float P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f;
    private const float P4 = 1.6666665459e-1f;
    private const float P5 = 5.0000001201e-1f;

    /// <summary>e^x for one value: the scalar twin of <see cref="Exp(Vector256{float})"/>, bit for bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x)
    {
        x = Math.Clamp(x, Lowest, Highest); // NaN passes through Math.Clamp unchanged
        float n = MathF.Round(x * Log2E);   // to nearest, ties to even, as Vector256.Round
        float r = x - n * Ln2High;
        r -= n * Ln2Low;
        float p = P0;
        p = p * r + P1;
        p = p * r + P2;
        p = p * r + P3;
        p = p * r + P4;
        p = p * r + P5;
        float y = p * (r * r) + r + 1f;
        int k = (int)n; // NaN converts to 0; y is already NaN then
        int half = k >> 1;
        return y * BitConverter.Int32BitsToSingle((half + 127) << 23) * BitConverter.Int32BitsToSingle((k - half + 127) << 23);
    }

    /// <summary>e^x for eight values; the same operations as <see cref="Exp(float)"/> in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        // Vector256.Min/Max propagate NaN (IEEE 754:2019 minimum/maximum), as Math.Clamp does.
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(Lowest)), Vector256.Create(Highest));
        Vector256<float> n = Vector256.Round(x * Vector256.Create(Log2E));
        Vector256<float> r = x - n * Vector256.Create(Ln2High);
        r -= n * Vector256.Create(Ln2Low);
        Vector256<float> p = Vector256.Create(P0);
        p = p * r + Vector256.Create(P1);
        p = p * r + Vector256.Create(P2);
        p = p * r + Vector256.Create(P3);
        p = p * r + Vector256.Create(P4);
        p = p * r + Vector256.Create(P5);
        Vector256<float> y = p * (r * r) + r + Vector256<float>.One;
        Vector256<int> k = Vector256.ConvertToInt32(n);
        Vector256<int> half = Vector256.ShiftRightArithmetic(k, 1);
        Vector256<int> bias = Vector256.Create(127);
        return y * Vector256.ShiftLeft(half + bias, 23).AsSingle() * Vector256.ShiftLeft(k - half + bias, 23).AsSingle();
    }

    /// <summary>destination = e^source element-wise; the spans are the same memory or disjoint.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap.</exception>
    public static void Exp(ReadOnlySpan<float> source, Span<float> destination) =>
        Elementwise.Map<ExpFunction>(source, destination);

    private readonly struct ExpFunction : IUnaryFunction
    {
        public static float Invoke(float x) => Exp(x);

        public static Vector256<float> Invoke(Vector256<float> x) => Exp(x);
    }
}

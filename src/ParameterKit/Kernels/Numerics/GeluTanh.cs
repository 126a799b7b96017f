using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels.Numerics;

/// <summary>
/// GELU with the tanh approximation GPT-2 was trained with (Hugging Face's <c>gelu_new</c>, PyTorch's
/// <c>gelu(approximate="tanh")</c>): <c>GELU(x) = 0.5·x·(1 + tanh(u))</c>, <c>u = √(2/π)·(x + 0.044715·x³)</c>.
/// The one home of these constants: the GELU layer, the GEMM epilogue and GPT-2's blocks all call it.
/// </summary>
/// <remarks>
/// Written as <c>x / (1 + e^(−2u))</c> (since 0.5·(1 + tanh u) = σ(2u)): one <see cref="Exponential"/> and a
/// divide, and it saturates without a branch: for very negative x, e^(−2u) overflows to +∞ and the result is −0;
/// for large x it is exactly x. The derivative, with s = σ(2u), is <c>s + 2x·s(1 − s)·√(2/π)(1 + 3·0.044715x²)</c>.
/// The exact erf form differs by up to about 1e-3 and would break parity with GPT-2's PyTorch reference.
/// </remarks>
internal static class GeluTanh
{
    /// <summary>√(2/π).</summary>
    public const float SqrtTwoOverPi = 0.7978845608028654f;

    /// <summary>The cubic coefficient of the approximation.</summary>
    public const float Cubic = 0.044715f;

    private const float MinusTwoSqrtTwoOverPi = -2f * SqrtTwoOverPi;
    private const float ThreeCubic = 3f * Cubic;

    /// <summary>GELU(x); the scalar twin of the vector form, bit for bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float x) => x / (1f + Exponential.Exp(MinusTwoSqrtTwoOverPi * (x + Cubic * x * x * x)));

    /// <summary>GELU of eight values, by the operations of <see cref="Forward(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Forward(Vector256<float> x) =>
        x / (Vector256<float>.One + Exponential.Exp(Vector256.Create(MinusTwoSqrtTwoOverPi) * (x + Vector256.Create(Cubic) * x * x * x)));

    /// <summary>dx = GELU'(x)·dy for one value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Backward(float x, float dy)
    {
        float s = 1f / (1f + Exponential.Exp(MinusTwoSqrtTwoOverPi * (x + Cubic * x * x * x)));
        return dy * (s + 2f * x * s * (1f - s) * SqrtTwoOverPi * (1f + ThreeCubic * x * x));
    }

    /// <summary>dx = GELU'(x)·dy for eight values, by the operations of <see cref="Backward(float, float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Backward(Vector256<float> x, Vector256<float> dy)
    {
        var one = Vector256<float>.One;
        Vector256<float> s = one / (one + Exponential.Exp(Vector256.Create(MinusTwoSqrtTwoOverPi) * (x + Vector256.Create(Cubic) * x * x * x)));
        return dy * (s + Vector256.Create(2f) * x * s * (one - s) * Vector256.Create(SqrtTwoOverPi) * (one + Vector256.Create(ThreeCubic) * x * x));
    }

    /// <summary>y = GELU(x) element-wise; the spans are the same memory or disjoint.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y) => Elementwise.Map<ForwardFunction>(x, y);

    /// <summary>dx = GELU'(x)·dy element-wise; <paramref name="dx"/> may be the memory of either input.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="dx"/> partly overlaps an input.</exception>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) => Elementwise.Map<BackwardFunction>(x, dy, dx);

    /// <summary>
    /// The algorithmic reference in double: 0.5·x·(1 + tanh u) as x·σ(2u), the same function, because for negative x
    /// 1 + tanh u cancels to nothing (at x = −6.5 it keeps only three significant digits even in double).
    /// </summary>
    public static double Reference(double x) => x / (1 + Math.Exp(-2 * Math.Sqrt(2 / Math.PI) * (x + Cubic * x * x * x)));

    /// <summary>The reference derivative in double: σ(2u) + x·2σ(2u)(1 − σ(2u))·u'.</summary>
    public static double DerivativeReference(double x)
    {
        double k = Math.Sqrt(2 / Math.PI), s = 1 / (1 + Math.Exp(-2 * k * (x + Cubic * x * x * x)));
        return s + 2 * x * s * (1 - s) * k * (1 + 3 * Cubic * x * x);
    }

    private readonly struct ForwardFunction : IUnaryFunction
    {
        public static float Invoke(float x) => Forward(x);

        public static Vector256<float> Invoke(Vector256<float> x) => Forward(x);
    }

    private readonly struct BackwardFunction : IBinaryFunction
    {
        public static float Invoke(float x, float dy) => Backward(x, dy);

        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) => Backward(x, dy);
    }
}

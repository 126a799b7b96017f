using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels.Numerics;

/// <summary>
/// SiLU (swish), the gate of the Llama family's MLP: <c>SiLU(x) = x·σ(x) = x / (1 + e^(−x))</c>, and its
/// derivative <c>σ(x)·(1 + x·(1 − σ(x)))</c>.
/// </summary>
/// <remarks>
/// Written as a divide around one <see cref="Exponential"/>, like <see cref="GeluTanh"/>: for very negative x,
/// e^(−x) overflows to +∞ and the result is −0 (the true value is below 1e-36 in magnitude); for large x it is x.
/// </remarks>
internal static class Silu
{
    /// <summary>SiLU(x); the scalar twin of the vector form, bit for bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float x) => x / (1f + Exponential.Exp(-x));

    /// <summary>SiLU of eight values, by the operations of <see cref="Forward(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Forward(Vector256<float> x) => x / (Vector256<float>.One + Exponential.Exp(-x));

    /// <summary>dx = SiLU'(x)·dy for one value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Backward(float x, float dy)
    {
        float s = 1f / (1f + Exponential.Exp(-x));
        return dy * (s * (1f + x * (1f - s)));
    }

    /// <summary>dx = SiLU'(x)·dy for eight values, by the operations of <see cref="Backward(float, float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Backward(Vector256<float> x, Vector256<float> dy)
    {
        var one = Vector256<float>.One;
        Vector256<float> s = one / (one + Exponential.Exp(-x));
        return dy * (s * (one + x * (one - s)));
    }

    /// <summary>y = SiLU(x) element-wise; the spans are the same memory or disjoint.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y) => Elementwise.Map<ForwardFunction>(x, y);

    /// <summary>dx = SiLU'(x)·dy element-wise; <paramref name="dx"/> may be the memory of either input.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="dx"/> partly overlaps an input.</exception>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) => Elementwise.Map<BackwardFunction>(x, dy, dx);

    /// <summary>The algorithmic reference: x·σ(x) in double.</summary>
    public static double Reference(double x) => x / (1 + Math.Exp(-x));

    /// <summary>The reference derivative, in double.</summary>
    public static double DerivativeReference(double x)
    {
        double s = 1 / (1 + Math.Exp(-x));
        return s * (1 + x * (1 - s));
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

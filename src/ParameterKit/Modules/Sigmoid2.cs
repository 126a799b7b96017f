using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ParameterKit.Kernels.Numerics;

namespace ParameterKit.Modules;

/// <summary>
/// σ(2u) = 1 / (1 + e^(-2u)) = (1 + tanh u) / 2: tanh rewritten around the library's one exponential
/// (<see cref="Exponential"/>), which is both cheaper than a tanh and the same exp every other activation uses.
/// For u → -∞, e^(-2u) overflows to +∞ and σ → 0, the correct limit, so no clamping is needed.
/// </summary>
internal static class Sigmoid2
{
    /// <summary>destination = σ(2·source); the spans are the same memory or disjoint.</summary>
    public static void Compute(ReadOnlySpan<float> source, Span<float> destination) => Elementwise.Map<Function>(source, destination);

    /// <summary>σ(2u) for one value, bit for bit what <see cref="Compute"/> writes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(float u) => 1f / (1f + Exponential.Exp(-2f * u));

    private readonly struct Function : IUnaryFunction
    {
        public static float Invoke(float u) => Of(u);

        public static Vector256<float> Invoke(Vector256<float> u) =>
            Vector256<float>.One / (Vector256<float>.One + Exponential.Exp(Vector256.Create(-2f) * u));
    }
}

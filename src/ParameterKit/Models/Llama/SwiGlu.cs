using System.Numerics.Tensors;
using ParameterKit.Kernels.Numerics;

namespace ParameterKit.Models.Llama;

/// <summary>
/// The gate of Llama's MLP, <c>y = SiLU(g) ⊙ u</c>, composed from the library's one SiLU (<see cref="Silu"/>, which
/// holds the exponential policy) and an element-wise product.
/// </summary>
internal static class SwiGlu
{
    /// <summary>destination = SiLU(gate) ⊙ up.</summary>
    public static void Forward(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> destination)
    {
        Silu.Forward(gate, destination);
        TensorPrimitives.Multiply(destination, up, destination);
    }

    /// <summary>
    /// With y = SiLU(g)·u: du = dy·SiLU(g) and dg = SiLU'(g)·(dy·u). <paramref name="gateGradient"/> may be
    /// <paramref name="outputGradient"/> (it is written last).
    /// </summary>
    public static void Backward(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, ReadOnlySpan<float> outputGradient, Span<float> gateGradient, Span<float> upGradient)
    {
        Silu.Forward(gate, upGradient);
        TensorPrimitives.Multiply(upGradient, outputGradient, upGradient);
        TensorPrimitives.Multiply(outputGradient, up, gateGradient);
        Silu.Backward(gate, gateGradient, gateGradient);
    }
}

using ParameterKit.Kernels.Numerics;
using ParameterKit.Parameters;

namespace ParameterKit.Modules;

/// <summary>
/// GELU with GPT-2's tanh approximation: <c>0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))</c>.
/// </summary>
/// <remarks>
/// Computes exactly what a <see cref="Linear"/> layer's fused <see cref="Kernels.GemmActivation.GeluTanh"/> epilogue
/// computes, bit for bit: both call the library's one GELU.
/// </remarks>
/// <param name="scope">Where the layer lives.</param>
public sealed class Gelu(ParameterScope scope) : ElementwiseLayer(scope)
{
    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<float> input, Span<float> output) => GeluTanh.Forward(input, output);

    /// <inheritdoc />
    /// <remarks>With s = σ(2u), u = √(2/π)(x + 0.044715x³): GELU'(x) = s + 2x·s(1 - s)·√(2/π)(1 + 3·0.044715x²).</remarks>
    protected override void ApplyBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient) =>
        GeluTanh.Backward(input, outputGradient, inputGradient);
}

using ParameterKit.Parameters;
using System.Numerics.Tensors;

namespace ParameterKit.Modules;

/// <summary>Hyperbolic tangent; its derivative is 1 - tanh²(x).</summary>
/// <param name="scope">Where the layer lives.</param>
public sealed class Tanh(ParameterScope scope) : ElementwiseLayer(scope)
{
    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<float> input, Span<float> output) => TensorPrimitives.Tanh(input, output);

    /// <inheritdoc />
    protected override void ApplyBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        for (int i = 0; i < input.Length; i++)
        {
            float t = MathF.Tanh(input[i]);
            inputGradient[i] = outputGradient[i] * (1f - t * t);
        }
    }
}

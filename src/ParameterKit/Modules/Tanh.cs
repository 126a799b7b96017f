using ParameterKit.Parameters;
using System.Numerics.Tensors;

namespace ParameterKit.Modules;

/// <summary>Hyperbolic tangent; its derivative is 1 - tanh²(x).</summary>
/// <param name="scope">Where the layer lives.</param>
public sealed class Tanh(ParameterScope scope) : ElementwiseLayer(scope)
{
    /// <inheritdoc />
    /// <remarks>Computed as tanh x = 2σ(2x) - 1 around one vectorized exp (see <see cref="Sigmoid2"/>).</remarks>
    protected override void Apply(ReadOnlySpan<float> input, Span<float> output)
    {
        Sigmoid2.Compute(input, output);
        TensorPrimitives.Multiply(output, 2f, output);
        TensorPrimitives.Subtract(output, 1f, output);
    }

    /// <inheritdoc />
    protected override void ApplyBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        if (inputGradient.Overlaps(input) || inputGradient.Overlaps(outputGradient))
        {
            for (int i = 0; i < input.Length; i++)
            {
                float t = 2f * Sigmoid2.Of(input[i]) - 1f; // the forward's formula, so both paths agree
                inputGradient[i] = outputGradient[i] * (1f - t * t);
            }
            return;
        }
        Apply(input, inputGradient);                                          // t
        TensorPrimitives.MultiplyAdd(inputGradient, inputGradient, -1f, inputGradient); // t² - 1
        TensorPrimitives.Multiply(inputGradient, outputGradient, inputGradient);
        TensorPrimitives.Negate(inputGradient, inputGradient);                  // dy·(1 - t²)
    }
}

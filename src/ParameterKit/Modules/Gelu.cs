using ParameterKit.Parameters;
using System.Numerics.Tensors;

namespace ParameterKit.Modules;

/// <summary>
/// GELU with GPT-2's tanh approximation: <c>0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))</c>.
/// </summary>
/// <param name="scope">Where the layer lives.</param>
public sealed class Gelu(ParameterScope scope) : ElementwiseLayer(scope)
{
    internal const float SqrtTwoOverPi = 0.7978845608028654f;
    internal const float Cubic = 0.044715f;

    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<float> input, Span<float> output) => Compute(input, output);

    /// <inheritdoc />
    /// <remarks>With u = √(2/π)(x + 0.044715x³) and t = tanh(u):
    /// d/dx = 0.5(1 + t) + 0.5x(1 - t²)·√(2/π)(1 + 3·0.044715x²).</remarks>
    protected override void ApplyBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        for (int i = 0; i < input.Length; i++)
        {
            float x = input[i];
            float t = MathF.Tanh(SqrtTwoOverPi * (x + Cubic * x * x * x));
            float derivative = 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * SqrtTwoOverPi * (1f + 3f * Cubic * x * x);
            inputGradient[i] = outputGradient[i] * derivative;
        }
    }

    /// <summary>The activation on spans, built from vectorized primitives so it runs at SIMD width.</summary>
    internal static void Compute(ReadOnlySpan<float> x, Span<float> y)
    {
        // The vectorized sequence below builds the result in y while still reading x, so when the two overlap
        // (an in-place call) x would be overwritten before its last use: take the scalar loop instead.
        if (x.Overlaps(y))
        {
            for (int i = 0; i < x.Length; i++)
            {
                float v = x[i];
                y[i] = 0.5f * v * (1f + MathF.Tanh(SqrtTwoOverPi * (v + Cubic * v * v * v)));
            }
            return;
        }
        TensorPrimitives.Multiply(x, x, y);                 // x²
        TensorPrimitives.Multiply(y, Cubic, y);
        TensorPrimitives.Add(y, 1f, y);                      // 1 + 0.044715x²
        TensorPrimitives.Multiply(y, x, y);                 // x + 0.044715x³
        TensorPrimitives.Multiply(y, SqrtTwoOverPi, y);
        TensorPrimitives.Tanh(y, y);
        TensorPrimitives.Add(y, 1f, y);
        TensorPrimitives.Multiply(y, x, y);
        TensorPrimitives.Multiply(y, 0.5f, y);
    }
}

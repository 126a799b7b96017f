using System.Numerics;
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
    /// <remarks>With u = √(2/π)(x + 0.044715x³) and s = σ(2u) = (1 + tanh u)/2, GELU is x·s and
    /// d/dx = s + 2x·s(1 - s)·√(2/π)(1 + 3·0.044715x²). s is computed vectorized into the destination first.</remarks>
    protected override void ApplyBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        if (inputGradient.Overlaps(input) || inputGradient.Overlaps(outputGradient))
        {
            for (int i = 0; i < input.Length; i++)
            {
                inputGradient[i] = outputGradient[i] * Derivative(input[i], Sigmoid(input[i]));
            }
            return;
        }
        InnerArgument(input, inputGradient);
        Sigmoid2.Compute(inputGradient, inputGradient);
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<float>.One;
            var two = new Vector<float>(2f);
            var k = new Vector<float>(SqrtTwoOverPi);
            var c3 = new Vector<float>(3f * Cubic);
            for (; j <= input.Length - Vector<float>.Count; j += Vector<float>.Count)
            {
                var x = new Vector<float>(input[j..]);
                var sg = new Vector<float>(inputGradient[j..]);
                var derivative = sg + two * x * sg * (one - sg) * k * (one + c3 * x * x);
                (derivative * new Vector<float>(outputGradient[j..])).CopyTo(inputGradient[j..]);
            }
        }
        for (; j < input.Length; j++)
        {
            inputGradient[j] = outputGradient[j] * Derivative(input[j], inputGradient[j]);
        }
    }

    /// <summary>GELU on spans: u into <paramref name="y"/>, s = σ(2u) in place, then y = x·s.</summary>
    internal static void Compute(ReadOnlySpan<float> x, Span<float> y)
    {
        // The vectorized sequence builds the result in y while still reading x, so when the two overlap
        // (an in-place call) x would be overwritten before its last use: take the scalar loop instead.
        if (x.Overlaps(y))
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = x[i] * Sigmoid(x[i]);
            }
            return;
        }
        InnerArgument(x, y);
        Sigmoid2.Compute(y, y);
        TensorPrimitives.Multiply(y, x, y);
    }

    /// <summary>u = √(2/π)·(x + 0.044715x³) = √(2/π)·x·(1 + 0.044715x²).</summary>
    private static void InnerArgument(ReadOnlySpan<float> x, Span<float> u)
    {
        TensorPrimitives.Multiply(x, x, u);
        TensorPrimitives.Multiply(u, Cubic, u);
        TensorPrimitives.Add(u, 1f, u);
        TensorPrimitives.Multiply(u, x, u);
        TensorPrimitives.Multiply(u, SqrtTwoOverPi, u);
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-2f * SqrtTwoOverPi * (x + Cubic * x * x * x)));

    private static float Derivative(float x, float s) => s + 2f * x * s * (1f - s) * SqrtTwoOverPi * (1f + 3f * Cubic * x * x);
}

using ParameterKit.Parameters;
using System.Numerics.Tensors;

namespace ParameterKit.Modules;

/// <summary>Rectified linear unit: <c>max(x, 0)</c>; its derivative is 1 where x &gt; 0 and 0 elsewhere.</summary>
/// <param name="scope">Where the layer lives.</param>
public sealed class Relu(ParameterScope scope) : ElementwiseLayer(scope)
{
    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<float> input, Span<float> output) => TensorPrimitives.Max(input, 0f, output);

    /// <inheritdoc />
    protected override void ApplyBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        for (int i = 0; i < input.Length; i++)
        {
            inputGradient[i] = input[i] > 0 ? outputGradient[i] : 0f;
        }
    }
}

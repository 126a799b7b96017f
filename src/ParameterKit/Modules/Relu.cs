using ParameterKit.Parameters;
using System.Numerics.Tensors;

namespace ParameterKit.Modules;

/// <summary>Rectified linear unit: <c>max(x, 0)</c>.</summary>
/// <param name="scope">Where the layer lives.</param>
public sealed class Relu(ParameterScope scope) : ElementwiseLayer(scope)
{
    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<float> input, Span<float> output) => TensorPrimitives.Max(input, 0f, output);
}

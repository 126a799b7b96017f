using ParameterKit.Parameters;
using System.Numerics.Tensors;

namespace ParameterKit.Modules;

/// <summary>Hyperbolic tangent.</summary>
/// <param name="scope">Where the layer lives.</param>
public sealed class Tanh(ParameterScope scope) : ElementwiseLayer(scope)
{
    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<float> input, Span<float> output) => TensorPrimitives.Tanh(input, output);
}

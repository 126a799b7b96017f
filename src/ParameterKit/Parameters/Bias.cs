using ParameterKit.Parameters.Initializers;
using ParameterKit.Tensors;

namespace ParameterKit.Parameters;

/// <summary>
/// A 1-D vector added to every row of a layer's output (shape OC).
/// Defaults: zeros, no weight decay (shrinking an offset towards zero does not regularize anything).
/// </summary>
public sealed class Bias : Parameter
{
    internal Bias(ParameterStore store, string name, int channels, Initializer? initializer)
        : base(store, name, new Shape(channels), new FanInfo(channels, channels), initializer)
    {
    }

    /// <inheritdoc />
    public override ParameterKind Kind => ParameterKind.Bias;

    private protected override Initializer DefaultInitializer => Init.Zeros;
}

using ParameterKit.Parameters.Initializers;
using ParameterKit.Tensors;

namespace ParameterKit.Parameters;

/// <summary>
/// A matrix multiplied with the input. For a linear layer its shape is OC x C (output channels by input
/// channels, PyTorch's layout), so <c>y = x · Wᵀ</c>.
/// Defaults: PyTorch's Linear initialization (Kaiming uniform, U(-1/√C, 1/√C)) and weight decay on.
/// </summary>
public sealed class Weight : Parameter
{
    internal Weight(ParameterStore store, string name, Shape shape, FanInfo fans, Initializer? initializer)
        : base(store, name, shape, fans, initializer)
    {
    }

    /// <inheritdoc />
    public override ParameterKind Kind => ParameterKind.Weight;

    private protected override Initializer DefaultInitializer => Init.LinearDefault;

    private protected override bool DecaysByDefault => true;
}

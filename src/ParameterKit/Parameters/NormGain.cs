using ParameterKit.Parameters.Initializers;
using ParameterKit.Tensors;

namespace ParameterKit.Parameters;

/// <summary>
/// The per-channel scale of a normalization layer (LayerNorm's or RMSNorm's gamma, shape C).
/// It is stored as <c>*.weight</c> in checkpoints, but behaves like a bias: ones at the start, no weight decay
/// (decaying it would pull activations towards zero).
/// </summary>
public sealed class NormGain : Parameter
{
    internal NormGain(ParameterStore store, string name, int channels, Initializer? initializer)
        : base(store, name, new Shape(channels), new FanInfo(channels, channels), initializer)
    {
    }

    /// <inheritdoc />
    public override ParameterKind Kind => ParameterKind.NormGain;

    private protected override Initializer DefaultInitializer => Init.Ones;
}

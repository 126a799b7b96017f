namespace ParameterKit.Parameters.Initializers;

/// <summary>
/// The activation that follows a layer, which sets the gain of Kaiming initialization
/// (the values of PyTorch's <c>torch.nn.init.calculate_gain</c>).
/// </summary>
public enum Nonlinearity
{
    /// <summary>No activation (or sigmoid, or a convolution): gain 1.</summary>
    Linear = 0,
    /// <summary>ReLU: gain √2.</summary>
    Relu = 1,
    /// <summary>Leaky ReLU with negative slope a: gain √(2 / (1 + a²)).</summary>
    LeakyRelu = 2,
    /// <summary>Tanh: gain 5/3.</summary>
    Tanh = 3,
    /// <summary>SELU: gain 3/4.</summary>
    Selu = 4,
}

/// <summary>Gains for <see cref="Nonlinearity"/>.</summary>
public static class Nonlinearities
{
    /// <summary>The recommended gain for <paramref name="nonlinearity"/>.</summary>
    /// <param name="nonlinearity">The activation after the layer.</param>
    /// <param name="negativeSlope">Leaky ReLU's negative slope (ignored otherwise).</param>
    public static double Gain(this Nonlinearity nonlinearity, double negativeSlope = 0.01) => nonlinearity switch
    {
        Nonlinearity.Linear => 1.0,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1 + negativeSlope * negativeSlope)),
        Nonlinearity.Tanh => 5.0 / 3.0,
        Nonlinearity.Selu => 3.0 / 4.0,
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "Unknown nonlinearity."),
    };
}

namespace ParameterKit.Parameters.Initializers;

/// <summary>
/// Every initialization scheme ParameterKit offers. Each returns an immutable <see cref="Initializer"/>; the
/// randomness comes from the seed given when the store is materialized.
/// </summary>
/// <example><code>var w = scope.Weight(outChannels: 3072, inChannels: 768, init: Init.KaimingNormal(Nonlinearity.Relu));</code></example>
public static class Init
{
    /// <summary>All zeros (the default for <see cref="Bias"/>).</summary>
    public static Initializer Zeros { get; } = new ConstantInitializer(0f);

    /// <summary>All ones (the default for <see cref="NormGain"/>).</summary>
    public static Initializer Ones { get; } = new ConstantInitializer(1f);

    /// <summary>Every value equal to <paramref name="value"/>.</summary>
    /// <param name="value">The constant.</param>
    public static Initializer Constant(float value) => new ConstantInitializer(value);

    /// <summary>N(mean, std²). Embeddings default to <c>Normal(0, 0.02)</c>, as GPT-2.</summary>
    /// <param name="mean">Mean.</param>
    /// <param name="std">Standard deviation, zero or positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="std"/> is negative.</exception>
    public static Initializer Normal(double mean, double std) => new NormalInitializer(mean, std);

    /// <summary>U(low, high).</summary>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound, at least <paramref name="low"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="high"/> is below <paramref name="low"/>.</exception>
    public static Initializer Uniform(double low, double high) => new UniformInitializer(low, high);

    /// <summary>N(mean, std²) truncated to [low, high] (absolute bounds, as PyTorch's <c>trunc_normal_</c>).</summary>
    /// <param name="mean">Mean of the untruncated normal.</param>
    /// <param name="std">Standard deviation of the untruncated normal, positive.</param>
    /// <param name="low">Lowest value kept.</param>
    /// <param name="high">Highest value kept.</param>
    /// <exception cref="ArgumentOutOfRangeException">The interval is empty or holds too little mass to sample.</exception>
    public static Initializer TruncatedNormal(double mean = 0, double std = 1, double low = -2, double high = 2) =>
        new TruncatedNormalInitializer(mean, std, low, high);

    /// <summary>Xavier/Glorot uniform: U(-b, b) with b = gain · √(6 / (fanIn + fanOut)).</summary>
    /// <param name="gain">Scale factor (1 for linear or sigmoid layers).</param>
    public static Initializer XavierUniform(double gain = 1.0) =>
        new VarianceScalingInitializer(FormattableString.Invariant($"xavier_uniform(gain {gain})"), uniform: true, f => gain * Math.Sqrt(2.0 / (f.FanIn + f.FanOut)));

    /// <summary>Xavier/Glorot normal: N(0, σ²) with σ = gain · √(2 / (fanIn + fanOut)).</summary>
    /// <param name="gain">Scale factor (1 for linear or sigmoid layers).</param>
    public static Initializer XavierNormal(double gain = 1.0) =>
        new VarianceScalingInitializer(FormattableString.Invariant($"xavier_normal(gain {gain})"), uniform: false, f => gain * Math.Sqrt(2.0 / (f.FanIn + f.FanOut)));

    /// <summary>Kaiming/He uniform: U(-b, b) with b = √3 · gain / √fan.</summary>
    /// <param name="nonlinearity">The activation after the layer, which sets the gain.</param>
    /// <param name="negativeSlope">Leaky ReLU's slope (only for <see cref="Nonlinearity.LeakyRelu"/>).</param>
    /// <param name="fanOutMode">Use fan-out instead of fan-in (preserves gradient scale in the backward pass).</param>
    public static Initializer KaimingUniform(Nonlinearity nonlinearity = Nonlinearity.Relu, double negativeSlope = 0.01, bool fanOutMode = false) =>
        Kaiming(uniform: true, nonlinearity, negativeSlope, fanOutMode);

    /// <summary>Kaiming/He normal: N(0, σ²) with σ = gain / √fan.</summary>
    /// <param name="nonlinearity">The activation after the layer, which sets the gain.</param>
    /// <param name="negativeSlope">Leaky ReLU's slope (only for <see cref="Nonlinearity.LeakyRelu"/>).</param>
    /// <param name="fanOutMode">Use fan-out instead of fan-in (preserves gradient scale in the backward pass).</param>
    public static Initializer KaimingNormal(Nonlinearity nonlinearity = Nonlinearity.Relu, double negativeSlope = 0.01, bool fanOutMode = false) =>
        Kaiming(uniform: false, nonlinearity, negativeSlope, fanOutMode);

    /// <summary>
    /// The default for <see cref="Weight"/>: PyTorch's <c>nn.Linear</c> default, Kaiming uniform with leaky-ReLU
    /// slope √5, which works out to U(-1/√fanIn, 1/√fanIn).
    /// </summary>
    public static Initializer LinearDefault { get; } = KaimingUniform(Nonlinearity.LeakyRelu, Math.Sqrt(5));

    /// <summary>The default for <see cref="Embedding"/>: N(0, 0.02), as GPT-2.</summary>
    public static Initializer EmbeddingDefault { get; } = Normal(0, 0.02);

    private static VarianceScalingInitializer Kaiming(bool uniform, Nonlinearity nonlinearity, double negativeSlope, bool fanOutMode)
    {
        double gain = nonlinearity.Gain(negativeSlope);
        string name = FormattableString.Invariant($"kaiming_{(uniform ? "uniform" : "normal")}({nonlinearity}, gain {gain:G6}, {(fanOutMode ? "fan_out" : "fan_in")})");
        return new VarianceScalingInitializer(name, uniform, f => gain / Math.Sqrt(fanOutMode ? f.FanOut : f.FanIn));
    }
}

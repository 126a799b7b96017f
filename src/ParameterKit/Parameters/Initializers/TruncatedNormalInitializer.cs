namespace ParameterKit.Parameters.Initializers;

/// <summary>
/// N(mean, std²) restricted to [low, high] (absolute bounds, as PyTorch's <c>trunc_normal_</c>), by rejection.
/// </summary>
/// <remarks>
/// Rejection keeps the draw exact and simple. Its cost is 1 / P(low ≤ x ≤ high) draws per value, so the
/// constructor refuses intervals holding less than about 1% of the mass (for them, rejection would crawl)
/// by requiring the interval to reach within 2.33 standard deviations of the mean on both ends' side.
/// </remarks>
internal sealed class TruncatedNormalInitializer : Initializer
{
    public TruncatedNormalInitializer(double mean, double std, double low, double high)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(std);
        if (!(low < high))
        {
            throw new ArgumentOutOfRangeException(nameof(high), high, FormattableString.Invariant($"The upper bound {high} must exceed the lower bound {low}."));
        }
        // The mass inside [low, high] is at least what a 0.02-sigma-wide slice near the mean holds, or the
        // interval reaches the mean's bulk; reject intervals that are both narrow and in a far tail.
        double a = (low - mean) / std, b = (high - mean) / std;
        if (a > 2.33 || b < -2.33 || b - a < 0.05)
        {
            throw new ArgumentOutOfRangeException(nameof(low), FormattableString.Invariant($"The interval [{low}, {high}] holds too little of N({mean}, {std}²) to sample by rejection; widen it or move it towards the mean."));
        }
        Mean = mean;
        Std = std;
        Low = low;
        High = high;
    }

    public double Mean { get; }

    public double Std { get; }

    public double Low { get; }

    public double High { get; }

    public override string ToString() => FormattableString.Invariant($"truncated_normal({Mean}, {Std}, [{Low}, {High}])");

    internal override void Fill(Span<float> values, FanInfo fans, ref SeededRandom random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double x;
            do
            {
                x = Mean + Std * random.NextNormal();
            }
            while (x < Low || x > High);
            values[i] = (float)x;
        }
    }
}

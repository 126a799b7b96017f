namespace ParameterKit.Parameters.Initializers;

/// <summary>Independent draws from U(low, high).</summary>
internal sealed class UniformInitializer : Initializer
{
    public UniformInitializer(double low, double high)
    {
        if (!(low <= high))
        {
            throw new ArgumentOutOfRangeException(nameof(high), high, FormattableString.Invariant($"The upper bound {high} is below the lower bound {low}."));
        }
        Low = low;
        High = high;
    }

    public double Low { get; }

    public double High { get; }

    public override string ToString() => FormattableString.Invariant($"uniform({Low}, {High})");

    internal override void Fill(Span<float> values, FanInfo fans, ref SeededRandom random) =>
        FillUniform(values, Low, High, ref random);

    internal static void FillUniform(Span<float> values, double low, double high, ref SeededRandom random)
    {
        double width = high - low;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(low + width * random.NextDouble());
        }
    }
}

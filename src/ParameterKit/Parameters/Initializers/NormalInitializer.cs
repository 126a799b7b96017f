namespace ParameterKit.Parameters.Initializers;

/// <summary>Independent draws from N(mean, std²).</summary>
internal sealed class NormalInitializer : Initializer
{
    public NormalInitializer(double mean, double std)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(std);
        Mean = mean;
        Std = std;
    }

    public double Mean { get; }

    public double Std { get; }

    public override string ToString() => FormattableString.Invariant($"normal({Mean}, {Std})");

    internal override void Fill(Span<float> values, FanInfo fans, ref SeededRandom random) =>
        FillNormal(values, Mean, Std, ref random);

    internal static void FillNormal(Span<float> values, double mean, double std, ref SeededRandom random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(mean + std * random.NextNormal());
        }
    }
}

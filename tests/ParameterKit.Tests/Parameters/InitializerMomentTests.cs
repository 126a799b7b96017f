using ParameterKit.Parameters.Initializers;

namespace ParameterKit.Tests.Parameters;

/// <summary>
/// Each scheme's large draw against its formula. With n = 200,000 the standard error of the mean is σ/√n and of
/// the variance about σ²·√(2/n) (0.32%); the tolerances are 5 of those, and the seeds are fixed, so these tests
/// are exact repeats, not flaky samples.
/// </summary>
public sealed class InitializerMomentTests
{
    private const int N = 200_000;
    private static readonly FanInfo Fans = new(FanIn: 300, FanOut: 500);

    public static TheoryData<string, double, double, double> Schemes() => new()
    {
        // name, expected mean, expected variance, |x| bound (or +inf)
        { "normal(1, 2)", 1.0, 4.0, double.PositiveInfinity },
        { "uniform(-1, 3)", 1.0, 16.0 / 12, 3.0 },
        { "truncated_normal(0, 1, [-2, 2])", 0.0, 0.773741, 2.0 },          // 1 - 2·2·φ(2) / (Φ(2) - Φ(-2))
        { "xavier_uniform", 0.0, 2.0 / 800, Math.Sqrt(6.0 / 800) },
        { "xavier_normal", 0.0, 2.0 / 800, double.PositiveInfinity },
        { "kaiming_uniform(relu)", 0.0, 2.0 / 300, Math.Sqrt(6.0 / 300) },
        { "kaiming_normal(relu)", 0.0, 2.0 / 300, double.PositiveInfinity },
        { "kaiming_normal(tanh, fan_out)", 0.0, 25.0 / 9 / 500, double.PositiveInfinity },
        { "kaiming_uniform(leaky 0.2)", 0.0, 2.0 / (1 + 0.04) / 300, Math.Sqrt(3 * 2.0 / (1 + 0.04) / 300) },
        { "linear default", 0.0, 1.0 / (3 * 300), 1.0 / Math.Sqrt(300) },       // U(-1/√C, 1/√C)
        { "embedding default", 0.0, 0.0004, double.PositiveInfinity },
    };

    private static Initializer Create(string name) => name switch
    {
        "normal(1, 2)" => Init.Normal(1, 2),
        "uniform(-1, 3)" => Init.Uniform(-1, 3),
        "truncated_normal(0, 1, [-2, 2])" => Init.TruncatedNormal(),
        "xavier_uniform" => Init.XavierUniform(),
        "xavier_normal" => Init.XavierNormal(),
        "kaiming_uniform(relu)" => Init.KaimingUniform(),
        "kaiming_normal(relu)" => Init.KaimingNormal(),
        "kaiming_normal(tanh, fan_out)" => Init.KaimingNormal(Nonlinearity.Tanh, fanOutMode: true),
        "kaiming_uniform(leaky 0.2)" => Init.KaimingUniform(Nonlinearity.LeakyRelu, 0.2),
        "linear default" => Init.LinearDefault,
        "embedding default" => Init.EmbeddingDefault,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Schemes))]
    public void MomentsMatchTheFormula(string name, double mean, double variance, double bound)
    {
        var values = new float[N];
        Create(name).Fill(values, Fans, seed: 12345);
        double sum = 0, sumSquares = 0, largest = 0;
        foreach (float v in values)
        {
            sum += v;
            largest = Math.Max(largest, Math.Abs(v));
        }
        double m = sum / N;
        foreach (float v in values)
        {
            sumSquares += (v - m) * (v - m);
        }
        double var = sumSquares / N;
        double std = Math.Sqrt(variance);
        Assert.InRange(m, mean - 5 * std / Math.Sqrt(N), mean + 5 * std / Math.Sqrt(N));
        Assert.InRange(var, variance * (1 - 5 * Math.Sqrt(2.0 / N)), variance * (1 + 5 * Math.Sqrt(2.0 / N)));
        Assert.True(largest <= bound * (1 + 1e-6), $"{name}: |x| reached {largest}, above the bound {bound}");
    }

    [Fact]
    public void ConstantsFillExactly()
    {
        var values = new float[17];
        Init.Zeros.Fill(values, Fans, seed: 1);
        Assert.All(values, v => Assert.Equal(0f, v));
        Init.Ones.Fill(values, Fans, seed: 1);
        Assert.All(values, v => Assert.Equal(1f, v));
        Init.Constant(0.25f).Fill(values, Fans, seed: 1);
        Assert.All(values, v => Assert.Equal(0.25f, v));
        Assert.True(Init.Constant(3).IsConstant);
        Assert.False(Init.XavierNormal().IsConstant);
    }

    [Fact]
    public void SameSeedGivesBitIdenticalValuesAndRandomOverloadIsReproducible()
    {
        var a = new float[1000];
        var b = new float[1000];
        Init.KaimingNormal().Fill(a, Fans, seed: 99);
        Init.KaimingNormal().Fill(b, Fans, seed: 99);
        Assert.Equal(a, b);
        Init.KaimingNormal().Fill(b, Fans, seed: 100);
        Assert.NotEqual(a, b);
        Init.Normal(0, 1).Fill(a, Fans, new Random(5));
        Init.Normal(0, 1).Fill(b, Fans, new Random(5));
        Assert.Equal(a, b);
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.Normal(0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.Uniform(2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.TruncatedNormal(0, 1, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.TruncatedNormal(0, 1, 10, 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.XavierNormal().Fill(new float[4], new FanInfo(0, 4), seed: 1));
    }
}

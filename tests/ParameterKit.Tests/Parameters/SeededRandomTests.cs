using System.Globalization;
using ParameterKit.Parameters.Initializers;

namespace ParameterKit.Tests.Parameters;

public sealed class SeededRandomTests
{
    /// <summary>Fixtures/rng/xoshiro_golden.txt comes from make_xoshiro_golden.py, an independent Python
    /// transcription of the published xoshiro256** and SplitMix64 algorithms.</summary>
    [Fact]
    public void MatchesThePublishedAlgorithm()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "rng", "xoshiro_golden.txt");
        foreach (string line in File.ReadAllLines(path))
        {
            var fields = line.Split(' ');
            var random = new SeededRandom(ulong.Parse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            foreach (string expected in fields.Skip(1))
            {
                Assert.Equal(ulong.Parse(expected, NumberStyles.HexNumber, CultureInfo.InvariantCulture), random.NextUInt64());
            }
        }
    }

    [Fact]
    public void StreamsPerNameAreIndependentOfOrderAndDistinct()
    {
        var a = SeededRandom.ForName(7, "h.0.attn.c_attn.weight");
        var b = SeededRandom.ForName(7, "h.0.attn.c_attn.weight");
        var c = SeededRandom.ForName(7, "h.0.attn.c_attn.bias");
        ulong first = a.NextUInt64();
        Assert.Equal(first, b.NextUInt64());
        Assert.NotEqual(first, c.NextUInt64());
    }

    [Fact]
    public void NormalDrawsHaveUnitMoments()
    {
        var random = new SeededRandom(2024);
        const int n = 200_000;
        double sum = 0, sumSquares = 0;
        for (int i = 0; i < n; i++)
        {
            double x = random.NextNormal();
            sum += x;
            sumSquares += x * x;
        }
        double mean = sum / n;
        Assert.InRange(mean, -0.012, 0.012);                  // 5 standard errors of the mean: 5 / sqrt(n)
        Assert.InRange(sumSquares / n - mean * mean, 0.984, 1.016); // 5 standard errors of the variance: 5 * sqrt(2 / n)
    }
}

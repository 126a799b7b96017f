using FsCheck;
using FsCheck.Xunit;
using ParameterKit.Tests.Modules;
using ParameterKit.Training.Losses;

namespace ParameterKit.Tests.Training;

/// <summary>
/// Every loss against PyTorch (Fixtures/torch/loss_fixtures.json, expected values computed by torch in float64
/// from the float32 inputs: tolerance 1e-6 relative + 1e-7 absolute) and against central finite differences of
/// an independent double-precision reference over random shapes (N 1..8, C 1..13, so rows are rarely a multiple
/// of the vector width). Finite differences use h = 1e-5 in double, whose truncation error (~h²) and rounding
/// error (~1e-16/h) are far below the float32 gradient's own error; the tolerance 2e-6·(1 + |g|) covers the
/// float32 exponentials and products.
/// </summary>
public sealed class LossTests
{
    private const string Fixtures = "loss_fixtures.json";
    private const double H = 1e-5;

    public static TheoryData<string> CrossEntropyCases => TorchFixtures.Names(Fixtures, "cross_entropy");

    [Theory]
    [MemberData(nameof(CrossEntropyCases))]
    public void CrossEntropyMatchesTorch(string name)
    {
        var c = TorchFixtures.Case(Fixtures, name);
        int classes = c.GetProperty("classes").GetInt32();
        var loss = new SoftmaxCrossEntropy(classes, c.Floats("weights"), (float)c.GetProperty("label_smoothing").GetDouble(), c.GetProperty("ignore_index").GetInt32());
        var logits = c.Floats("logits");
        var gradient = new float[logits.Length];

        float value = loss.Compute(logits, c.Ints("targets"), gradient);

        TorchFixtures.AssertClose(c.GetProperty("loss").GetDouble(), value, where: "loss");
        TorchFixtures.AssertClose(c.Doubles("gradient"), gradient);
        var probabilities = new float[logits.Length];
        SoftmaxCrossEntropy.Softmax(logits, classes, probabilities);
        TorchFixtures.AssertClose(c.Doubles("probabilities"), probabilities);
    }

    public static TheoryData<string> BinaryCases => TorchFixtures.Names(Fixtures, "bce_with_logits");

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void BinaryCrossEntropyMatchesTorch(string name)
    {
        var c = TorchFixtures.Case(Fixtures, name);
        var logits = c.Floats("logits");
        var gradient = new float[logits.Length];
        float value = new BinaryCrossEntropyWithLogits(c.Floats("pos_weight")).Compute(logits, c.Floats("targets"), gradient);
        TorchFixtures.AssertClose(c.GetProperty("loss").GetDouble(), value, where: "loss");
        TorchFixtures.AssertClose(c.Doubles("gradient"), gradient);
    }

    [Theory]
    [InlineData("mse")]
    [InlineData("huber_delta_1")]
    [InlineData("huber_delta_0_5")]
    public void RegressionLossesMatchTorch(string name)
    {
        var c = TorchFixtures.Case(Fixtures, name);
        var x = c.Floats("predictions");
        var gradient = new float[x.Length];
        float value = c.GetProperty("kind").GetString() == "mse"
            ? MeanSquaredError.Compute(x, c.Floats("targets"), gradient)
            : new Huber((float)c.GetProperty("delta").GetDouble()).Compute(x, c.Floats("targets"), gradient);
        TorchFixtures.AssertClose(c.GetProperty("loss").GetDouble(), value, where: "loss");
        TorchFixtures.AssertClose(c.Doubles("gradient"), gradient);
    }

    [Property(MaxTest = 60)]
    public void CrossEntropyGradientMatchesFiniteDifferences(PositiveInt rowsSeed, PositiveInt classesSeed, bool weighted, bool smoothed, bool ignoreSome, int seed)
    {
        int n = 1 + rowsSeed.Get % 8, c = 1 + classesSeed.Get % 13;
        var random = new Random(seed);
        var logits = DoubleReference.RandomValues(n * c, seed, 4f);
        var targets = Enumerable.Range(0, n).Select(_ => random.Next(c)).ToArray();
        if (ignoreSome)
        {
            targets[random.Next(n)] = -100;
        }
        float[]? weights = weighted ? DoubleReference.RandomValues(c, seed + 1).Select(v => 0.25f + Math.Abs(v) * 2).ToArray() : null;
        float eps = smoothed ? 0.1f : 0f;
        var loss = new SoftmaxCrossEntropy(c, weights, eps);
        var gradient = new float[n * c];

        float value = loss.Compute(logits, targets, gradient);

        double[]? w = weights?.Select(v => (double)v).ToArray();
        double Reference(double[] z) => LossReference.CrossEntropy(z, targets, c, w, eps, -100);
        TorchFixtures.AssertClose(Reference(logits.Select(v => (double)v).ToArray()), value, 2e-6, 2e-6, "loss");
        TorchFixtures.AssertClose(LossReference.CentralDifferences(Reference, logits, H), gradient, 2e-6, 2e-6);
    }

    [Property(MaxTest = 60)]
    public void BinaryCrossEntropyGradientMatchesFiniteDifferences(PositiveInt rowsSeed, PositiveInt widthSeed, bool positiveWeighted, int seed)
    {
        int n = 1 + rowsSeed.Get % 8, k = 1 + widthSeed.Get % 13;
        var x = DoubleReference.RandomValues(n * k, seed, 6f);
        var y = DoubleReference.RandomValues(n * k, seed + 1).Select(v => Math.Abs(v)).ToArray();
        float[]? q = positiveWeighted ? DoubleReference.RandomValues(k, seed + 2).Select(v => 0.5f + 2 * Math.Abs(v)).ToArray() : null;
        var gradient = new float[x.Length];

        float value = new BinaryCrossEntropyWithLogits(q).Compute(x, y, gradient);

        var yd = y.Select(v => (double)v).ToArray();
        double[]? qd = q?.Select(v => (double)v).ToArray();
        double Reference(double[] z) => LossReference.BinaryCrossEntropyWithLogits(z, yd, qd);
        TorchFixtures.AssertClose(Reference(x.Select(v => (double)v).ToArray()), value, 2e-6, 2e-6, "loss");
        TorchFixtures.AssertClose(LossReference.CentralDifferences(Reference, x, H), gradient, 2e-6, 2e-6);
    }

    [Property(MaxTest = 60)]
    public void MeanSquaredErrorGradientMatchesFiniteDifferences(PositiveInt countSeed, int seed)
    {
        int m = 1 + countSeed.Get % 40;
        var x = DoubleReference.RandomValues(m, seed, 3f);
        var y = DoubleReference.RandomValues(m, seed + 1, 3f);
        var gradient = new float[m];

        float value = MeanSquaredError.Compute(x, y, gradient);

        var yd = y.Select(v => (double)v).ToArray();
        double Reference(double[] z) => LossReference.MeanSquaredError(z, yd);
        TorchFixtures.AssertClose(Reference(x.Select(v => (double)v).ToArray()), value, 2e-6, 2e-6, "loss");
        TorchFixtures.AssertClose(LossReference.CentralDifferences(Reference, x, H), gradient, 2e-6, 2e-6);
    }

    [Property(MaxTest = 60)]
    public void HuberGradientMatchesFiniteDifferences(PositiveInt countSeed, PositiveInt deltaSeed, int seed)
    {
        int m = 1 + countSeed.Get % 40;
        float delta = 0.25f * (1 + deltaSeed.Get % 8);
        var x = DoubleReference.RandomValues(m, seed, 3f);
        var y = DoubleReference.RandomValues(m, seed + 1, 3f);
        var gradient = new float[m];

        float value = new Huber(delta).Compute(x, y, gradient);

        var yd = y.Select(v => (double)v).ToArray();
        double Reference(double[] z) => LossReference.Huber(z, yd, delta);
        TorchFixtures.AssertClose(Reference(x.Select(v => (double)v).ToArray()), value, 2e-6, 2e-6, "loss");
        var differences = LossReference.CentralDifferences(Reference, x, H);
        for (int i = 0; i < m; i++)
        {
            // Within h of the kink |d| = δ the difference quotient straddles two branches; elsewhere it is exact.
            if (Math.Abs(Math.Abs((double)x[i] - y[i]) - delta) > 1e-3)
            {
                TorchFixtures.AssertClose(differences[i], gradient[i], 2e-6, 2e-6, $"[{i}]");
            }
        }
    }

    [Fact]
    public void CrossEntropyIsStableForHugeLogits()
    {
        // exp(1000) overflows float and double; subtracting the row maximum makes it exp(0) = 1.
        float[] logits = [1000f, 0f, -1000f, 500f, 500f, 500f];
        var gradient = new float[6];
        float value = new SoftmaxCrossEntropy(3).Compute(logits, [1, 2], gradient);
        // Row 0: −log p_1 = 1000; row 1: log 3. Mean (1000 + log 3) / 2.
        TorchFixtures.AssertClose((1000 + Math.Log(3)) / 2, value);
        TorchFixtures.AssertClose([0.5, -0.5, 0, 1 / 6.0, 1 / 6.0, -1 / 3.0], gradient);
    }

    [Fact]
    public void CrossEntropyWithEveryRowIgnoredIsZero()
    {
        var gradient = new float[] { 9f, 9f, 9f, 9f };
        float value = new SoftmaxCrossEntropy(2).Compute([1f, 2f, 3f, 4f], [-100, -100], gradient);
        Assert.Equal(0f, value);
        Assert.All(gradient, g => Assert.Equal(0f, g));
        Assert.Equal(0f, new SoftmaxCrossEntropy(2).Compute([], [], []));
    }

    [Fact]
    public void CrossEntropyNamesTheWrongArgument()
    {
        var loss = new SoftmaxCrossEntropy(3);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => loss.Compute(new float[5], new int[2], new float[5])).ParamName);
        Assert.Equal("logitsGradient", Assert.Throws<ArgumentException>(() => loss.Compute(new float[6], new int[2], new float[5])).ParamName);
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Compute(new float[6], [0, 3], new float[6]));
        Assert.Equal("targets", bad.ParamName);
        Assert.Contains("targets[1] = 3", bad.Message, StringComparison.Ordinal);
        Assert.Equal("classWeights", Assert.Throws<ArgumentException>(() => new SoftmaxCrossEntropy(3, [1f, 2f])).ParamName);
        Assert.Equal("labelSmoothing", Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxCrossEntropy(3, labelSmoothing: 1.5f)).ParamName);
        Assert.Equal("ignoreIndex", Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxCrossEntropy(3, ignoreIndex: 2)).ParamName);
        Assert.Equal("probabilities", Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Softmax(new float[6], 3, new float[3])).ParamName);
        var shared = new float[6];
        Assert.Equal("logitsGradient", Assert.Throws<ArgumentException>(() => loss.Compute(shared, new int[2], shared)).ParamName);
    }

    [Fact]
    public void RegressionLossesNameTheWrongArgument()
    {
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => MeanSquaredError.Compute(new float[3], new float[2], new float[3])).ParamName);
        Assert.Equal("predictionsGradient", Assert.Throws<ArgumentException>(() => new Huber().Compute(new float[3], new float[3], new float[4])).ParamName);
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => new Huber(0f)).ParamName);
        var bce = new BinaryCrossEntropyWithLogits([1f, 2f]);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => bce.Compute(new float[3], new float[3], new float[3])).ParamName);
        Assert.Equal("logitsGradient", Assert.Throws<ArgumentException>(() => bce.Compute(new float[4], new float[4], new float[3])).ParamName);
    }

    [Fact]
    public void BinaryCrossEntropyIsStableForHugeLogits()
    {
        var gradient = new float[2];
        // Confidently right at ±200: the loss is log(1 + e^−200) ≈ 0, never log(0).
        float value = new BinaryCrossEntropyWithLogits().Compute([200f, -200f], [1f, 0f], gradient);
        Assert.Equal(0f, value, 1e-30f);
        // Confidently wrong: loss 200 per element, gradient ±1/M.
        value = new BinaryCrossEntropyWithLogits().Compute([-200f, 200f], [1f, 0f], gradient);
        TorchFixtures.AssertClose(200, value);
        TorchFixtures.AssertClose([-0.5, 0.5], gradient);
    }
}

using FsCheck;
using FsCheck.Xunit;
using ParameterKit.Parameters;
using ParameterKit.Tests.Modules;
using ParameterKit.Training;

namespace ParameterKit.Tests.Training;

/// <summary>
/// Clipping against PyTorch's float32 clip_grad_norm_ (Fixtures/torch/clip_fixtures.json; tolerance 1e-6
/// relative: both sides round a float32 sum of squares differently) and against a double-precision norm over
/// sizes that straddle the 1,024-value summation blocks.
/// </summary>
public sealed class GradientClippingTests
{
    /// <summary>A store of 1-D parameters p.0, p.1, … (clipping sees only the flattened gradients).</summary>
    private static (ParameterStore Store, Parameter[] Parameters) StoreWith(float[][] gradients, bool[]? frozen = null)
    {
        var store = new ParameterStore();
        var parameters = gradients.Select((g, i) => (Parameter)store.Scope("p").Scope(i).Bias(g.Length)).ToArray();
        store.Materialize(seed: 1);
        for (int i = 0; i < parameters.Length; i++)
        {
            gradients[i].CopyTo(parameters[i].Gradient);
            parameters[i].IsTrainable = !(frozen?[i] ?? false);
        }
        return (store, parameters);
    }

    public static TheoryData<string> Cases => TorchFixtures.Names("clip_fixtures.json");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ClipByGlobalNormMatchesTorch(string name)
    {
        var c = TorchFixtures.Case("clip_fixtures.json", name);
        var gradients = c.GetProperty("gradients").EnumerateArray().Select(g => g.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray();
        var frozen = c.GetProperty("frozen").EnumerateArray().Select(v => v.GetBoolean()).ToArray();
        var clipped = c.GetProperty("clipped").EnumerateArray().Select(g => g.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var (store, parameters) = StoreWith(gradients, frozen);

        float norm = GradientClipping.ClipByGlobalNorm(store, (float)c.GetProperty("max_norm").GetDouble());

        TorchFixtures.AssertClose(c.GetProperty("norm").GetDouble(), norm, where: "norm");
        for (int i = 0; i < parameters.Length; i++)
        {
            TorchFixtures.AssertClose(clipped[i], parameters[i].Gradient);
        }
    }

    [Property(MaxTest = 40)]
    public void GlobalNormMatchesDoubleReference(NonEmptyArray<PositiveInt> lengthSeeds, int seed)
    {
        var gradients = lengthSeeds.Get.Take(5).Select((l, i) => DoubleReference.RandomValues(l.Get % 3000, seed + i, 3f)).ToArray();
        var frozen = gradients.Select((_, i) => i % 3 == 2).ToArray();
        var (store, _) = StoreWith(gradients, frozen);
        double expected = Math.Sqrt(gradients.Where((_, i) => !frozen[i]).SelectMany(g => g).Sum(v => (double)v * v));

        float norm = GradientClipping.GlobalNorm(store);

        TorchFixtures.AssertClose(expected, norm, 1e-6, 1e-30, "norm");
        Assert.Equal(norm, GradientClipping.GlobalNorm(store)); // same store, same bits
    }

    [Property(MaxTest = 60)]
    public void ClippedNormIsAtMostMaxAndDirectionIsKept(NonEmptyArray<PositiveInt> lengthSeeds, PositiveInt maxSeed, int seed)
    {
        var gradients = lengthSeeds.Get.Take(4).Select((l, i) => DoubleReference.RandomValues(1 + l.Get % 200, seed + i)).ToArray();
        float maxNorm = (1 + maxSeed.Get % 100) / 10f;
        var (store, parameters) = StoreWith(gradients);

        float before = GradientClipping.ClipByGlobalNorm(store, maxNorm);
        float after = GradientClipping.GlobalNorm(store);

        if (before <= maxNorm)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                Assert.Equal(gradients[i], parameters[i].Gradient.ToArray());
            }
        }
        else
        {
            TorchFixtures.AssertClose(maxNorm, after, 1e-5, 0, "clipped norm");
            float ratio = after / before;
            for (int i = 0; i < parameters.Length; i++)
            {
                TorchFixtures.AssertClose(gradients[i].Select(v => (double)v * ratio).ToArray(), parameters[i].Gradient, 1e-5, 1e-7);
            }
        }
    }

    [Fact]
    public void NonFiniteNormIsReturnedAndNothingIsScaled()
    {
        var (store, parameters) = StoreWith([[3f, 4f], [1f, float.NaN, 2f]]);
        Assert.True(float.IsNaN(GradientClipping.ClipByGlobalNorm(store, 1f)));
        Assert.Equal([3f, 4f], parameters[0].Gradient.ToArray());
        Assert.Same(parameters[1], GradientClipping.FirstNonFiniteGradient(store));

        parameters[1].IsTrainable = false; // a frozen parameter's gradient is not looked at
        Assert.Null(GradientClipping.FirstNonFiniteGradient(store));
        Assert.Equal(5f, GradientClipping.ClipByGlobalNorm(store, 10f));

        parameters[1].IsTrainable = true;
        parameters[1].Gradient[1] = float.PositiveInfinity;
        Assert.Equal(float.PositiveInfinity, GradientClipping.ClipByGlobalNorm(store, 1f));
        Assert.Equal([3f, 4f], parameters[0].Gradient.ToArray());
    }

    [Fact]
    public void ClipByValueClampsTrainableGradientsOnly()
    {
        var (store, parameters) = StoreWith([[-3f, 0.5f, 2f, float.NaN], [9f, -9f]], [false, true]);
        GradientClipping.ClipByValue(store, 1f);
        Assert.Equal([-1f, 0.5f, 1f], parameters[0].Gradient[..3].ToArray());
        Assert.True(float.IsNaN(parameters[0].Gradient[3]));
        Assert.Equal([9f, -9f], parameters[1].Gradient.ToArray());
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        var (store, _) = StoreWith([[1f]]);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(store, 0f)).ParamName);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(store, float.NaN)).ParamName);
        Assert.Equal("limit", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(store, -1f)).ParamName);
        Assert.Equal("store", Assert.Throws<ArgumentNullException>(() => GradientClipping.GlobalNorm(null!)).ParamName);
        var unmaterialized = new ParameterStore();
        unmaterialized.Scope("fc").Bias(3);
        Assert.Equal("fc.bias", Assert.Throws<ParameterNotMaterializedException>(() => GradientClipping.GlobalNorm(unmaterialized)).Path);
    }
}

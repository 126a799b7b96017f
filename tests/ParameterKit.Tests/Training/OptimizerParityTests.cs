using System.Text.Json;
using ParameterKit.Parameters;
using ParameterKit.Training;

namespace ParameterKit.Tests.Training;

/// <summary>
/// Three steps of each optimizer against PyTorch 1.13 on the same numbers (Fixtures/torch/optimizer_steps.json,
/// made by make_optimizer_fixtures.py). The weight decays, the bias does not — as ParameterKit's kinds decide.
/// Tolerance: 1e-6 relative (plus 1e-7 absolute for values near zero).
/// </summary>
[Collection(ParameterKit.Tests.Kernels.ProcessWideGemmSettings.Name)]
public sealed class OptimizerParityTests
{
    private static readonly JsonElement Fixture = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch", "optimizer_steps.json"))).RootElement;

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    [Theory]
    [InlineData("sgd")]
    [InlineData("sgd_wd")]
    [InlineData("sgd_momentum")]
    [InlineData("sgd_nesterov")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void StepsMatchPyTorch(string name)
    {
        var store = new ParameterStore();
        var weight = store.Scope("fc").Weight(3, 4);
        var bias = store.Scope("fc").Bias(3);
        store.Materialize(seed: 0);
        Floats(Fixture.GetProperty("weight0")).CopyTo(weight.Value);
        Floats(Fixture.GetProperty("bias0")).CopyTo(bias.Value);

        var testCase = Fixture.GetProperty("cases").GetProperty(name);
        var kwargs = testCase.GetProperty("kwargs");
        double wd = testCase.GetProperty("weight_decay").GetDouble();
        double lr = kwargs.GetProperty("lr").GetDouble();
        double Get(string key, double fallback) => kwargs.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;
        Optimizer optimizer = name switch
        {
            "adam" => new Adam(store, lr, kwargs.GetProperty("betas")[0].GetDouble(), kwargs.GetProperty("betas")[1].GetDouble(), Get("eps", 1e-8), wd),
            "adamw" => new AdamW(store, lr, kwargs.GetProperty("betas")[0].GetDouble(), kwargs.GetProperty("betas")[1].GetDouble(), Get("eps", 1e-8), wd),
            _ => new Sgd(store, lr, Get("momentum", 0), Get("dampening", 0), kwargs.TryGetProperty("nesterov", out var n) && n.GetBoolean(), wd),
        };

        var grads = Fixture.GetProperty("grads");
        var steps = testCase.GetProperty("steps");
        for (int step = 0; step < steps.GetArrayLength(); step++)
        {
            Floats(grads[step][0]).CopyTo(weight.Gradient);
            Floats(grads[step][1]).CopyTo(bias.Gradient);
            optimizer.Step();
            AssertClose($"{name} step {step + 1} weight", Floats(steps[step][0]), weight.Value);
            AssertClose($"{name} step {step + 1} bias", Floats(steps[step][1]), bias.Value);
        }
        Assert.Equal(3, optimizer.StepCount);
    }

    private static void AssertClose(string what, float[] expected, ReadOnlySpan<float> actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            Assert.True(error <= 1e-6 * Math.Abs(expected[i]) + 1e-7, $"{what}[{i}]: PyTorch {expected[i]:R}, ParameterKit {actual[i]:R}");
        }
    }

    [Fact]
    public void FrozenParametersAndParametersWithoutDecayAreLeftAsTheRulesSay()
    {
        var store = new ParameterStore();
        var weight = store.Scope("fc").Weight(2, 2);
        var bias = store.Scope("fc").Bias(2);
        store.Materialize(seed: 1);
        store.Freeze("fc.bias");
        var before = bias.Value.ToArray();
        var weightBefore = weight.Value.ToArray();
        var optimizer = new AdamW(store, learningRate: 0.1, weightDecay: 0.5);
        optimizer.Step(); // zero gradients: only decoupled decay moves the weight
        Assert.Equal(before, bias.Value.ToArray());
        Assert.Equal(weightBefore.Select(v => v * (1f - 0.05f)), weight.Value.ToArray());
    }

    [Theory]
    [InlineData("adamw")]
    [InlineData("sgd")]
    public void ParallelStepsGiveTheSameBitsAsOneThread(string name)
    {
        float[] Run(int threads)
        {
            int saved = ParameterKit.Kernels.GemmOptions.MaxDegreeOfParallelism;
            try
            {
                ParameterKit.Kernels.GemmOptions.MaxDegreeOfParallelism = threads;
                var store = new ParameterStore();
                store.Scope("emb").Embedding(70_001, 16);   // over the parallel threshold, odd sizes so ranges split parameters
                store.Scope("fc").Weight(33, 17);
                store.Scope("fc").Bias(33);
                store.Materialize(seed: 3);
                Optimizer optimizer = name == "sgd" ? new Sgd(store, 0.1, momentum: 0.9, weightDecay: 0.01) : new AdamW(store, 0.01);
                for (int step = 0; step < 3; step++)
                {
                    var g = store.Gradients;
                    for (int i = 0; i < g.Length; i++)
                    {
                        g[i] = MathF.Sin(i * 0.37f + step);
                    }
                    optimizer.Step();
                }
                return store.Values.ToArray();
            }
            finally
            {
                ParameterKit.Kernels.GemmOptions.MaxDegreeOfParallelism = saved;
            }
        }
        Assert.Equal(Run(1), Run(2));
        Assert.Equal(Run(1), Run(3));
    }

    [Fact]
    public void OptimizersRefuseStoresThatCannotTrain()
    {
        var empty = new ParameterStore();
        Assert.Throws<InvalidOperationException>(() => new Sgd(empty, 0.1));
        var store = new ParameterStore();
        store.Scope("fc").Weight(2, 2);
        Assert.Throws<InvalidOperationException>(() => new Adam(store));
        store.Materialize(seed: 1);
        store.Freeze("*");
        Assert.Throws<InvalidOperationException>(() => new AdamW(store));
        store.Unfreeze("*");
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(store, beta1: 1));
        Assert.Throws<ArgumentException>(() => new Sgd(store, 0.1, nesterov: true));
        var sgd = new Sgd(store, 0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = double.NaN);
    }
}

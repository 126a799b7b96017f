using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using ParameterKit.Kernels.Numerics;

namespace ParameterKit.Benchmarks.Kernels;

/// <summary>
/// The library's one exponential (<see cref="Exponential"/>, the baseline) against the two it replaced: a scalar
/// <see cref="MathF.Exp"/> loop (what the loss and attention used) and <c>TensorPrimitives.Exp</c> (what GELU used), on
/// an attention row (1,024 keys) and a GPT-2 vocabulary row (50,257 logits); and the one row softmax against
/// <c>TensorPrimitives.SoftMax</c>, which the Softmax layer used.
/// Run: <c>dotnet run -c Release --project benchmarks/ParameterKit.Benchmarks -- --filter '*ExponentialBenchmarks*'</c>.
/// </summary>
[Config(typeof(ShortConfig))]
public class ExponentialBenchmarks
{
    private float[] _x = [];
    private float[] _y = [];

    /// <summary>Values per row.</summary>
    [Params(1024, 50257)]
    public int Length { get; set; }

    /// <summary>Logit-like values in [-20, 0].</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _x = [.. Enumerable.Range(0, Length).Select(_ => (float)(-20 * random.NextDouble()))];
        _y = new float[Length];
    }

    /// <summary>The library's exponential.</summary>
    [Benchmark(Baseline = true)]
    public void LibraryExp() => Exponential.Exp(_x, _y);

    /// <summary>A scalar MathF.Exp loop.</summary>
    [Benchmark]
    public void MathFExpLoop()
    {
        float[] x = _x, y = _y;
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = MathF.Exp(x[i]);
        }
    }

    /// <summary>System.Numerics.Tensors' exponential.</summary>
    [Benchmark]
    public void TensorPrimitivesExp() => TensorPrimitives.Exp(_x, _y);

    /// <summary>The library's row softmax (max, exponentials summed in double, scale).</summary>
    [Benchmark]
    public void LibraryRowSoftmax() => RowSoftmax.Forward(_x, _y);

    /// <summary>System.Numerics.Tensors' softmax.</summary>
    [Benchmark]
    public void TensorPrimitivesSoftMax() => TensorPrimitives.SoftMax(_x, _y);

    private sealed class ShortConfig : ManualConfig
    {
        public ShortConfig() => AddJob(Job.ShortRun);
    }
}

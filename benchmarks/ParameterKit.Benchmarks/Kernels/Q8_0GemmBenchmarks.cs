using BenchmarkDotNet.Attributes;
using ParameterKit.Kernels;
using ParameterKit.Tensors;

namespace ParameterKit.Benchmarks.Kernels;

/// <summary>
/// The GPT-2 logits product, 1 x 768 x 50,257 (one generated token times the tied head), with the head held as Q8_0
/// (41 MB, 1.0625 bytes per weight) on each Q8_0 path this CPU runs, against the bf16 (77 MB) and float32 (154 MB)
/// kernels on the same values, at one and two threads; and the same with 4 rows (a short prompt sharing each weight
/// load). Baseline: float32 at one thread. In-process; 3 warm-up and 8 measured iterations.
/// Run: <c>dotnet run -c Release --project benchmarks/ParameterKit.Benchmarks -- --filter '*Q8_0GemmBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[ParameterKit.Benchmarks.SafeTensors.ShortInProcess]
public class Q8_0GemmBenchmarks
{
    private const int K = 768, N = 50257;
    private float[] _x = [], _weights = [], _y = [];
    private ushort[] _bf16 = [];
    private byte[] _q8 = [];

    /// <summary>Rows of A: 1 (generation) or 4 (a short prompt).</summary>
    [Params(1, 4)]
    public int M { get; set; } = 1;

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _x = [.. Enumerable.Range(0, M * K).Select(_ => (float)random.NextDouble() - 0.5f)];
        _weights = [.. Enumerable.Range(0, K * N).Select(_ => ((float)random.NextDouble() - 0.5f) * 0.04f)];
        _y = new float[M * N];
        _bf16 = new ushort[_weights.Length];
        Tensors.Conversions.BFloat16Conversion.FromSingle(_weights, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_bf16.AsSpan()));
        _q8 = new byte[GemmQ8_0.RowBytes(K) * N];
        Q8_0Quantization.Quantize(_weights, _q8);
        Console.WriteLine($"// Q8_0 paths supported: {string.Join(", ", Enum.GetValues<Q8_0Path>().Where(Q8_0Dispatch.IsSupported))}; best {Q8_0Dispatch.Best}");
    }

    [Benchmark(Baseline = true)]
    public void Float32() => Gemm.Multiply(GemmDispatch.Best, Threads, GemmOptions.ParallelThreshold, Transpose.No, Transpose.Yes, M, N, K, 1f, _x, K, _weights, K, 0f, _y, N, default, GemmActivation.None);

    [Benchmark]
    public void BF16() => GemmHalf.Multiply(GemmDispatch.Best, Threads, GemmOptions.ParallelThreshold, Transpose.No, Transpose.Yes, M, N, K, 1f, _x, K, _bf16, DType.BF16, K, 0f, _y, N, default, GemmActivation.None);

    [Benchmark]
    public void Q8_0_AvxVnni() => Q8(Q8_0Path.AvxVnni);

    [Benchmark]
    public void Q8_0_Avx512() => Q8(Q8_0Path.Avx512);

    [Benchmark]
    public void Q8_0_Avx2() => Q8(Q8_0Path.Avx2);

    [Benchmark]
    public void Q8_0_Portable() => Q8(Q8_0Path.Portable);

    private void Q8(Q8_0Path path)
    {
        if (Q8_0Dispatch.IsSupported(path))
        {
            GemmQ8_0.Multiply(path, Threads, GemmOptions.ParallelThreshold, M, N, K, _x, K, _q8, 0f, _y, N, default, GemmActivation.None);
        }
    }
}

using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using ParameterKit.Kernels;

namespace ParameterKit.Benchmarks.Kernels;

/// <summary>
/// ParameterKit's SGEMM against, in the same process: OpenBLAS through P/Invoke, the i-k-j loop with
/// <see cref="TensorPrimitives.MultiplyAdd(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/> a C#
/// user writes today, and the naive triple loop (small shapes only). Every method computes the same row-major
/// <c>C = A B</c> (no transposes), at one and at two threads.
/// Run: <c>dotnet run -c Release --project benchmarks/ParameterKit.Benchmarks -- --filter '*GemmBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GemmBenchmarkConfig))]
public unsafe class GemmBenchmarks
{
    private static readonly ParallelOptions TwoThreads = new() { MaxDegreeOfParallelism = 2 };

    private readonly float[] halves = new float[2];
    private float[] a = [], b = [], c = [];
    private GemmShape shape;

    /// <summary>M x K x N, as in the table.</summary>
    [Params("1024x1024x1024", "512x768x768", "64x768x3072", "1x768x768", "1x768x50257", "32x64x3")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        shape = GemmShape.Parse(Shape);
        var random = new Random(42);
        a = Enumerable.Range(0, shape.M * shape.K).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        b = Enumerable.Range(0, shape.K * shape.N).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        c = new float[shape.M * shape.N];
        if (!OpenBlas.IsAvailable)
        {
            Console.WriteLine("// " + OpenBlas.MissingMessage);
        }
    }

    [Benchmark]
    public void ParameterKit1Thread()
    {
        GemmOptions.MaxDegreeOfParallelism = 1;
        Gemm.Multiply(Transpose.No, Transpose.No, shape.M, shape.N, shape.K, 1f, a, shape.K, b, shape.N, 0f, c, shape.N);
    }

    [Benchmark]
    public void ParameterKit2Threads()
    {
        GemmOptions.MaxDegreeOfParallelism = 2;
        Gemm.Multiply(Transpose.No, Transpose.No, shape.M, shape.N, shape.K, 1f, a, shape.K, b, shape.N, 0f, c, shape.N);
    }

    [Benchmark]
    public void OpenBlas1Thread()
    {
        OpenBlas.SetThreads(1);
        fixed (float* pa = a, pb = b, pc = c)
        {
            OpenBlas.Multiply(shape.M, shape.N, shape.K, pa, pb, pc);
        }
    }

    [Benchmark]
    public void OpenBlas2Threads()
    {
        OpenBlas.SetThreads(2);
        fixed (float* pa = a, pb = b, pc = c)
        {
            OpenBlas.Multiply(shape.M, shape.N, shape.K, pa, pb, pc);
        }
    }

    [Benchmark]
    public void MultiplyAddLoop1Thread()
    {
        for (int i = 0; i < shape.M; i++)
        {
            MultiplyAddRow(i);
        }
    }

    [Benchmark]
    public void MultiplyAddLoop2Threads() => Parallel.For(0, shape.M, TwoThreads, MultiplyAddRow);

    [Benchmark]
    public void NaiveTripleLoop1Thread()
    {
        int m = shape.M, n = shape.N, k = shape.K;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = sum;
            }
        }
    }

    /// <summary>
    /// The bandwidth floor of a matrix-vector product: read every value of B once (a vectorised sum), nothing else.
    /// A product with M = 1 cannot be faster than this; the config runs it for those shapes only.
    /// </summary>
    [Benchmark]
    public float ReadWeightsOnce1Thread() => TensorPrimitives.Sum(b);

    /// <summary>As <see cref="ReadWeightsOnce1Thread"/>, each of two threads reading half of B.</summary>
    [Benchmark]
    public float ReadWeightsOnce2Threads()
    {
        int half = b.Length / 2;
        Parallel.For(0, 2, TwoThreads, part =>
            halves[part] = TensorPrimitives.Sum(part == 0 ? b.AsSpan(0, half) : b.AsSpan(half)));
        return halves[0] + halves[1];
    }

    /// <summary>Name prefix the config's filter and the bandwidth column use for the read-only floor.</summary>
    internal const string ReadWeightsOnce = "ReadWeightsOnce";

    /// <summary>Name the config's filter uses for the naive loop.</summary>
    internal const string NaiveTripleLoop = nameof(NaiveTripleLoop1Thread);

    /// <summary>Row i of C as a C# user writes it today: C[i, :] = sum_p A[i, p] * B[p, :], one MultiplyAdd per p.</summary>
    private void MultiplyAddRow(int i)
    {
        int n = shape.N, k = shape.K;
        Span<float> row = c.AsSpan(i * n, n);
        row.Clear();
        for (int p = 0; p < k; p++)
        {
            TensorPrimitives.MultiplyAdd(b.AsSpan(p * n, n), a[i * k + p], row, row);
        }
    }
}

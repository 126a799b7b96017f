using BenchmarkDotNet.Attributes;
using ParameterKit.Kernels;
using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.Benchmarks.Kernels;

/// <summary>
/// The GPT-2 logits product, 1 x 768 x 50,257 (one token's hidden state times the tied head), with the weights in
/// bf16 and f16 against the float32 kernel and OpenBLAS's float32 <c>cblas_sgemm</c>, all in the same process, at one
/// and two threads. Layout <c>NT</c> is how GPT-2 stores the head (wte, V x C: one dot product per logit);
/// <c>NN</c> is a Hugging Face Conv1D weight read as stored (C x OC: rows scaled and summed). A matrix-vector product
/// reads each weight once, so it is bound by memory bandwidth: bf16 and f16 move half the bytes of float32.
/// In-process (no generated project to build on a shared machine); 3 warm-up and 8 measured iterations.
/// Run: <c>dotnet run -c Release --project benchmarks/ParameterKit.Benchmarks -- --filter '*HalfGemmBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[ParameterKit.Benchmarks.SafeTensors.ShortInProcess]
public unsafe class HalfGemmBenchmarks
{
    private const int K = 768, N = 50257;
    private float[] _x = [], _weights = [], _y = [];
    private ushort[] _bf16 = [], _f16 = [];

    /// <summary><c>NT</c>: B stored N x K (the tied head); <c>NN</c>: B stored K x N.</summary>
    [Params("NT", "NN")]
    public string Layout { get; set; } = "NT";

    private Transpose TransB => Layout == "NT" ? Transpose.Yes : Transpose.No;

    private int Ldb => Layout == "NT" ? K : N;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _x = [.. Enumerable.Range(0, K).Select(_ => (float)random.NextDouble() - 0.5f)];
        _weights = [.. Enumerable.Range(0, K * N).Select(_ => ((float)random.NextDouble() - 0.5f) * 0.04f)];
        _y = new float[N];
        _bf16 = new ushort[_weights.Length];
        BFloat16Conversion.FromSingle(_weights, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_bf16.AsSpan()));
        _f16 = [.. _weights.Select(w => BitConverter.HalfToUInt16Bits((Half)w))];
        if (!OpenBlas.IsAvailable)
        {
            Console.WriteLine("// " + OpenBlas.MissingMessage);
        }
    }

    [Benchmark(Baseline = true)]
    public void Float32_1Thread() => Float32(1);

    [Benchmark]
    public void Float32_2Threads() => Float32(2);

    [Benchmark]
    public void BF16_1Thread() => Half(1, _bf16, DType.BF16);

    [Benchmark]
    public void BF16_2Threads() => Half(2, _bf16, DType.BF16);

    [Benchmark]
    public void F16_1Thread() => Half(1, _f16, DType.F16);

    [Benchmark]
    public void F16_2Threads() => Half(2, _f16, DType.F16);

    [Benchmark]
    public void OpenBlasFloat32_1Thread() => Blas(1);

    [Benchmark]
    public void OpenBlasFloat32_2Threads() => Blas(2);

    private void Float32(int threads)
    {
        GemmOptions.MaxDegreeOfParallelism = threads;
        Gemm.Multiply(Transpose.No, TransB, 1, N, K, 1f, _x, K, _weights, Ldb, 0f, _y, N);
    }

    private void Half(int threads, ushort[] weights, DType type)
    {
        GemmOptions.MaxDegreeOfParallelism = threads;
        GemmHalf.Multiply(Transpose.No, TransB, 1, N, K, 1f, _x, K, weights, type, Ldb, 0f, _y, N, default, GemmActivation.None);
    }

    private void Blas(int threads)
    {
        if (!OpenBlas.IsAvailable)
        {
            return;
        }
        OpenBlas.SetThreads(threads);
        fixed (float* px = _x, pw = _weights, py = _y)
        {
            if (Layout == "NT")
            {
                OpenBlas.MultiplyTransposedB(1, N, K, px, pw, py);
            }
            else
            {
                OpenBlas.Multiply(1, N, K, px, pw, py);
            }
        }
    }
}

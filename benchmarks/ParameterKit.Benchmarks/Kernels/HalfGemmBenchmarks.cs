using System.Runtime.InteropServices;
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
/// Every operand starts on a 64-byte boundary, as a model holds its float32 weights (ParameterStore's aligned buffer) and
/// its copied half-precision ones (a misaligned operand makes most 64-byte loads touch two cache lines, which cost the
/// float32 kernel a quarter of its speed on a Zen 5: benchmarks/README.md, "Aligned parameter buffers").
/// In-process (no generated project to build on a shared machine); 3 warm-up and 8 measured iterations.
/// Run: <c>dotnet run -c Release --project benchmarks/ParameterKit.Benchmarks -- --filter '*HalfGemmBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[ParameterKit.Benchmarks.SafeTensors.ShortInProcess]
public unsafe class HalfGemmBenchmarks
{
    private const int K = 768, N = 50257;
    private float* _x, _weights, _y;
    private ushort* _bf16, _f16;

    /// <summary><c>NT</c>: B stored N x K (the tied head); <c>NN</c>: B stored K x N.</summary>
    [Params("NT", "NN")]
    public string Layout { get; set; } = "NT";

    private Transpose TransB => Layout == "NT" ? Transpose.Yes : Transpose.No;

    private int Ldb => Layout == "NT" ? K : N;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _x = Aligned<float>(K);
        _weights = Aligned<float>(K * N);
        _y = Aligned<float>(N);
        _bf16 = Aligned<ushort>(K * N);
        _f16 = Aligned<ushort>(K * N);
        for (int i = 0; i < K; i++)
        {
            _x[i] = (float)random.NextDouble() - 0.5f;
        }
        for (int i = 0; i < K * N; i++)
        {
            _weights[i] = ((float)random.NextDouble() - 0.5f) * 0.04f;
            _f16[i] = BitConverter.HalfToUInt16Bits((Half)_weights[i]);
        }
        BFloat16Conversion.FromSingle(new ReadOnlySpan<float>(_weights, K * N), new Span<byte>(_bf16, 2 * K * N));
        if (!OpenBlas.IsAvailable)
        {
            Console.WriteLine("// " + OpenBlas.MissingMessage);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_x);
        NativeMemory.AlignedFree(_weights);
        NativeMemory.AlignedFree(_y);
        NativeMemory.AlignedFree(_bf16);
        NativeMemory.AlignedFree(_f16);
    }

    private static T* Aligned<T>(int count) where T : unmanaged => (T*)NativeMemory.AlignedAlloc((nuint)(count * sizeof(T)), 64);

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
        Gemm.Multiply(Transpose.No, TransB, 1, N, K, 1f, new ReadOnlySpan<float>(_x, K), K, new ReadOnlySpan<float>(_weights, K * N), Ldb, 0f, new Span<float>(_y, N), N);
    }

    private void Half(int threads, ushort* weights, DType type)
    {
        GemmOptions.MaxDegreeOfParallelism = threads;
        GemmHalf.Multiply(Transpose.No, TransB, 1, N, K, 1f, new ReadOnlySpan<float>(_x, K), K, new ReadOnlySpan<ushort>(weights, K * N), type, Ldb, 0f,
            new Span<float>(_y, N), N, default, GemmActivation.None);
    }

    private void Blas(int threads)
    {
        if (!OpenBlas.IsAvailable)
        {
            return;
        }
        OpenBlas.SetThreads(threads);
        if (Layout == "NT")
        {
            OpenBlas.MultiplyTransposedB(1, N, K, _x, _weights, _y);
        }
        else
        {
            OpenBlas.Multiply(1, N, K, _x, _weights, _y);
        }
    }
}

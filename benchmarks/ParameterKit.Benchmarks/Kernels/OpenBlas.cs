using System.Runtime.InteropServices;

namespace ParameterKit.Benchmarks.Kernels;

/// <summary>
/// The OpenBLAS baseline, called in the same process as ParameterKit's GEMM. It binds to Debian's
/// <c>libopenblas.so.0</c> (package <c>libopenblas0-pthread</c>, installed by <c>benchmarks/install-openblas.sh</c>);
/// when the library is absent the benchmarks say so and report GFLOP/s and % of peak only.
/// </summary>
internal static unsafe partial class OpenBlas
{
    private const string Library = "libopenblas.so.0";
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    /// <summary>Whether <c>libopenblas.so.0</c> can be loaded here.</summary>
    public static bool IsAvailable { get; } = NativeLibrary.TryLoad(Library, out _);

    /// <summary>The message shown instead of OpenBLAS figures when it is missing.</summary>
    public const string MissingMessage = "libopenblas.so.0 not found: run benchmarks/install-openblas.sh for the OpenBLAS baseline";

    /// <summary>Row-major <c>C = A B</c>, no transposes: the shape of the OpenBLAS anchors.</summary>
    public static void Multiply(int m, int n, int k, float* a, float* b, float* c) =>
        cblas_sgemm(RowMajor, NoTrans, NoTrans, m, n, k, 1f, a, k, b, n, 0f, c, n);

    /// <summary>Row-major <c>C = A Bᵀ</c> with B stored N x K: a linear layer's (and the tied logits head's) product.</summary>
    public static void MultiplyTransposedB(int m, int n, int k, float* a, float* b, float* c) =>
        cblas_sgemm(RowMajor, NoTrans, Trans, m, n, k, 1f, a, k, b, k, 0f, c, n);

    /// <summary>Threads OpenBLAS uses for the following calls.</summary>
    public static void SetThreads(int threads) => openblas_set_num_threads(threads);

    [LibraryImport(Library)]
    private static partial void cblas_sgemm(int order, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library)]
    private static partial void openblas_set_num_threads(int threads);
}

using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParameterKit.Kernels;

/// <summary>
/// The instruction-set path of a product with a Q8_0 weight operand (<see cref="GemmQ8_0"/>). Each path multiplies
/// 8-bit integers and sums them in 32-bit lanes, then scales each block's lanes in float32; <see cref="Q8_0Dispatch"/>
/// picks one per process and tests force each in turn.
/// </summary>
internal enum Q8_0Path
{
    /// <summary><see cref="System.Numerics.Vector{T}"/> widening multiplies: any CPU (SSE, AVX2, NEON).</summary>
    Portable = 0,

    /// <summary>AVX2: <c>vpmaddubsw</c> then <c>vpmaddwd</c> (<see cref="Avx2.MultiplyAddAdjacent(Vector256{byte}, Vector256{sbyte})"/>).</summary>
    Avx2 = 1,

    /// <summary>AVX-VNNI: one <c>vpdpbusd</c> per block (<see cref="AvxVnni.MultiplyWideningAndAdd(Vector256{int}, Vector256{byte}, Vector256{sbyte})"/>).</summary>
    AvxVnni = 2,

    /// <summary>AVX-512BW: two blocks per 512-bit <c>vpmaddubsw</c> + <c>vpmaddwd</c>.</summary>
    Avx512 = 3,
}

/// <summary>Chooses the Q8_0 path once, from what the runtime accelerates.</summary>
/// <remarks>
/// AVX-512 VNNI (512-bit <c>vpdpbusd</c>) is not exposed by .NET 10 (only the 256-bit AVX-VNNI form is), so the
/// 512-bit path takes AVX-512BW's two-instruction integer dot. Between the two, AVX-VNNI is preferred: one
/// instruction per 32 products and no cross-lane work to join two blocks into one register (benchmarks/README.md,
/// Q8_0 section, has the measurements behind the order).
/// </remarks>
internal static class Q8_0Dispatch
{
    /// <summary>The path this process runs.</summary>
    public static Q8_0Path Best { get; } = Detect();

    /// <summary>Whether <paramref name="path"/> can run in this process.</summary>
    public static bool IsSupported(Q8_0Path path) => path switch
    {
        Q8_0Path.Avx512 => Vector512.IsHardwareAccelerated && Avx512BW.IsSupported && Avx512F.IsSupported && Avx2.IsSupported && Fma.IsSupported,
        Q8_0Path.AvxVnni => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported && AvxVnni.IsSupported,
        Q8_0Path.Avx2 => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported,
        Q8_0Path.Portable => true,
        _ => false,
    };

    /// <summary>The float32 GEMM path that matches <paramref name="path"/>, for the dequantizing route of tall products.</summary>
    /// <remarks>
    /// AVX-VNNI is a 256-bit extension, but the CPUs that have it beside AVX-512 (Zen 4 and 5, Sapphire Rapids) run the
    /// float32 product twice as fast on the AVX-512 path: a VNNI process takes the best float32 path there is, or a
    /// 512-token prompt on Q8_0 weights ran at 0.55x its float32 speed.
    /// </remarks>
    public static GemmPath FloatPath(Q8_0Path path) => path switch
    {
        Q8_0Path.Avx512 => GemmPath.Avx512,
        Q8_0Path.AvxVnni => GemmDispatch.Best == GemmPath.Avx512 ? GemmPath.Avx512 : GemmPath.Avx2,
        Q8_0Path.Avx2 => GemmPath.Avx2,
        _ => GemmPath.Portable,
    };

    private static Q8_0Path Detect() =>
        IsSupported(Q8_0Path.AvxVnni) ? Q8_0Path.AvxVnni
        : IsSupported(Q8_0Path.Avx512) ? Q8_0Path.Avx512
        : IsSupported(Q8_0Path.Avx2) ? Q8_0Path.Avx2
        : Q8_0Path.Portable;
}

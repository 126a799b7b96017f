using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParameterKit.Kernels;

/// <summary>
/// Chooses the GEMM instruction-set path once, from what the runtime accelerates. The runtime's own switches
/// (<c>DOTNET_EnableAVX512F=0</c>, <c>DOTNET_EnableAVX2=0</c>) turn the hardware checks below false, so they
/// force a narrower path for a whole process; tests force a path per call instead.
/// </summary>
internal static class GemmDispatch
{
    /// <summary>The widest path this process can run, decided at start-up.</summary>
    public static GemmPath Best { get; } = Detect();

    /// <summary>Whether <paramref name="path"/> can run in this process.</summary>
    public static bool IsSupported(GemmPath path) => path switch
    {
        GemmPath.Avx512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        GemmPath.Avx2 => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported,
        GemmPath.Portable => true,
        _ => false,
    };

    private static GemmPath Detect() =>
        IsSupported(GemmPath.Avx512) ? GemmPath.Avx512
        : IsSupported(GemmPath.Avx2) ? GemmPath.Avx2
        : GemmPath.Portable;
}

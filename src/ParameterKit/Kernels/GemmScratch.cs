using System.Runtime.InteropServices;

namespace ParameterKit.Kernels;

/// <summary>
/// Per-thread packing buffers, 64-byte aligned so packed panels start on cache lines and vector loads never
/// split one. Each thread allocates its pair once and reuses it for every call, so steady-state GEMM allocates
/// nothing; the finalizer returns the native memory when a thread that used GEMM dies.
/// </summary>
internal sealed unsafe class GemmScratch
{
    /// <summary>Floats in the A region: one MC x KC packed block.</summary>
    public const int ACapacity = GemmBlocking.MC * GemmBlocking.KC;

    /// <summary>Floats in the B region: one KC x NC packed block.</summary>
    public const int BCapacity = GemmBlocking.KC * GemmBlocking.NC;

    [ThreadStatic]
    private static GemmScratch? current;

    private GemmScratch()
    {
        A = (float*)NativeMemory.AlignedAlloc(ACapacity * sizeof(float), 64);
        B = (float*)NativeMemory.AlignedAlloc(BCapacity * sizeof(float), 64);
    }

    ~GemmScratch()
    {
        NativeMemory.AlignedFree(A);
        NativeMemory.AlignedFree(B);
    }

    /// <summary>The calling thread's buffers, created on first use.</summary>
    public static GemmScratch Current => current ??= new GemmScratch();

    /// <summary>Region for packed A (or other scratch of up to <see cref="ACapacity"/> floats).</summary>
    public float* A { get; }

    /// <summary>Region for packed B (or other scratch of up to <see cref="BCapacity"/> floats).</summary>
    public float* B { get; }
}

using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ParameterKit.Kernels;

/// <summary>Argument checks shared by every GEMM entry point, so each failure names the argument at fault.</summary>
internal static class GemmArguments
{
    public static void Validate(
        Transpose transA, Transpose transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        // Checked before the sizes below, which read any value but No as transposed while the kernels read any value
        // but Yes as not: an undefined value cast to Transpose would pass one check and be read the other way.
        if ((uint)transA > (uint)Transpose.Yes)
        {
            ThrowTranspose(nameof(transA), transA);
        }
        if ((uint)transB > (uint)Transpose.Yes)
        {
            ThrowTranspose(nameof(transB), transB);
        }
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);

        // Stored shapes: A is M x K (or K x M when transposed), B is K x N (or N x K).
        int aRows = transA == Transpose.No ? m : k, aCols = transA == Transpose.No ? k : m;
        int bRows = transB == Transpose.No ? k : n, bCols = transB == Transpose.No ? n : k;
        CheckMatrix("a", "lda", aRows, aCols, aLength, lda);
        CheckMatrix("b", "ldb", bRows, bCols, bLength, ldb);
        CheckMatrix("c", "ldc", m, n, cLength, ldc);
    }

    /// <summary>The bias is empty or one value per column of C; the activation is a defined one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ValidateEpilogue(int n, int biasLength, GemmActivation activation)
    {
        if (biasLength != 0 && biasLength != n)
        {
            ThrowBias("bias", n, biasLength);
        }
        if ((uint)activation > (uint)GemmActivation.Silu)
        {
            ThrowActivation(activation);
        }
    }

    /// <summary>The forced path can run here and at least one thread is allowed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ValidateExecution(GemmPath path, int maxThreads)
    {
        if (path != GemmDispatch.Best && !GemmDispatch.IsSupported(path))
        {
            ThrowPath(path);
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
    }

    [DoesNotReturn]
    private static void ThrowBias(string name, int n, int biasLength) =>
        throw new ArgumentException($"Span {name} holds {biasLength} elements but C has n = {n} columns; pass n values or none.", name);

    [DoesNotReturn]
    private static void ThrowTranspose(string name, Transpose value) =>
        throw new ArgumentOutOfRangeException(name, value, "Not a defined Transpose value (No or Yes).");

    [DoesNotReturn]
    private static void ThrowActivation(GemmActivation activation) =>
        throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");

    [DoesNotReturn]
    private static void ThrowPath(GemmPath path) =>
        throw new PlatformNotSupportedException($"GEMM path {path} is not accelerated in this process.");

    // The checks stay small enough to inline; building the messages lives in the throw helpers below, so a
    // tiny product (32 x 64 x 3 takes a fraction of a microsecond) does not pay for string formatting code.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckMatrix(string name, string ldName, int rows, int cols, int length, int ld)
    {
        if (ld < Math.Max(1, cols))
        {
            ThrowLeadingDimension(name, ldName, cols, ld);
        }
        if (rows != 0 && cols != 0 && length < (long)(rows - 1) * ld + cols)
        {
            ThrowTooShort(name, ldName, rows, cols, length, ld);
        }
    }

    [DoesNotReturn]
    private static void ThrowLeadingDimension(string name, string ldName, int cols, int ld) =>
        throw new ArgumentOutOfRangeException(ldName, ld, $"Leading dimension {ldName} = {ld} is smaller than the {cols} stored columns of {name}.");

    [DoesNotReturn]
    private static void ThrowTooShort(string name, string ldName, int rows, int cols, int length, int ld) =>
        throw new ArgumentException($"Span {name} holds {length} elements but a {rows} x {cols} matrix with {ldName} = {ld} needs {(long)(rows - 1) * ld + cols}.", name);
}

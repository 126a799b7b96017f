using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.Kernels;

/// <summary>
/// Packs a block of a half-precision B (bf16 or f16) into the float32 micro-panels the micro-kernels read
/// (<see cref="GemmPacking"/> describes the layout), widening each value once on the way. A product with many rows
/// (a prompt) reuses every packed value M times, so the conversion is amortised like the copy it replaces; the
/// micro-kernels and the rest of the blocked driver are the float32 ones, unchanged.
/// </summary>
/// <remarks>
/// Widening here uses the widest vectors the CPU has whatever path the call was forced onto (bf16 through
/// <see cref="BFloat16Conversion"/>, f16 through <see cref="WidenFloat16"/>): widening is exact, so every path packs
/// the same floats. f16 does not go through <see cref="HalfConversion"/>, whose vector work is the runtime's
/// <c>TensorPrimitives.ConvertToSingle</c>: on .NET 10 that is no <c>vcvtph2ps</c> either but bit arithmetic behind a
/// call per vector, which measured twice the time per value of <see cref="GemmFloat16Bits"/> inlined in a loop.
/// </remarks>
internal static unsafe class GemmPackingHalf
{
    /// <summary>Packs op(B)[p0 .. p0 + kc, j0 .. j0 + nc] into <paramref name="dest"/> as NR-column micro-panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(in GemmProblem g, int p0, int j0, int kc, int nc, int nr, float* dest)
    {
        if (g.TransB == Transpose.No)
        {
            // Stored K x N (Hugging Face's Conv1D layout, C x OC): each stored row widens straight into its panels.
            int full = nc / nr * nr;
            for (int p = 0; p < kc; p++)
            {
                ushort* src = g.BHalf + (long)(p0 + p) * g.Ldb + j0;
                float* d = dest + (long)p * nr;
                int j = 0;
                for (; j < full; j += nr, d += (long)nr * kc)
                {
                    Widen(g.BType, src + j, d, nr);
                }
                if (j < nc)
                {
                    int rest = nc - j;
                    Widen(g.BType, src + j, d, rest);
                    new Span<float>(d + rest, nr - rest).Clear();
                }
            }
            return;
        }
        // Stored N x K (OC x C): widen NR stored rows of kc values into a row-major scratch, then the float32
        // transposing packer lays them out; the scratch (at most 32 x 256 floats) stays in L1.
        float* rows = stackalloc float[nr * kc];
        for (int jr = 0; jr < nc; jr += nr)
        {
            int count = Math.Min(nr, nc - jr);
            for (int r = 0; r < count; r++)
            {
                Widen(g.BType, g.BHalf + (long)(j0 + jr + r) * g.Ldb + p0, rows + (long)r * kc, kc);
            }
            GemmPacking.TransposeInto(rows, kc, dest + (long)jr * kc, nr, count, kc);
        }
    }

    /// <summary>Widens <paramref name="count"/> values of <paramref name="type"/> (bf16 or f16) at <paramref name="source"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen(DType type, ushort* source, float* destination, int count)
    {
        if (type == DType.BF16)
        {
            BFloat16Conversion.ToSingle(new ReadOnlySpan<byte>(source, 2 * count), new Span<float>(destination, count));
        }
        else
        {
            WidenFloat16(GemmDispatch.Best, source, destination, count);
        }
    }

    /// <summary>
    /// Widens <paramref name="count"/> f16 values at <paramref name="source"/> with <paramref name="path"/>'s vectors
    /// (<see cref="GemmFloat16Bits"/>), the last few one at a time. Packing passes the widest path this process has;
    /// tests pass each one.
    /// </summary>
    public static void WidenFloat16(GemmPath path, ushort* source, float* destination, int count)
    {
        int i = 0;
        if (path == GemmPath.Avx512)
        {
            for (; i + Vector512<float>.Count <= count; i += Vector512<float>.Count)
            {
                GemmWidenFloat16Avx512.Low(source + i).Store(destination + i);
            }
        }
        else if (path == GemmPath.Avx2)
        {
            for (; i + Vector256<float>.Count <= count; i += Vector256<float>.Count)
            {
                GemmWidenFloat16Avx2.Low(source + i).Store(destination + i);
            }
        }
        else
        {
            for (; i + Vector<ushort>.Count <= count; i += Vector<ushort>.Count)
            {
                GemmWidenFloat16Portable.Low(source + i).Store(destination + i);
                GemmWidenFloat16Portable.High(source + i).Store(destination + i + Vector<float>.Count);
            }
        }
        for (; i < count; i++)
        {
            destination[i] = GemmFloat16Bits.ToSingle(source[i]);
        }
    }
}

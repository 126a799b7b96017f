using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels;

/// <summary>
/// Matrix-vector kernels for products with one row or one column (M = 1 or N = 1). Nothing is packed: a
/// matrix-vector product touches each matrix element once, so it is bound by memory bandwidth and the only goal
/// is to stream the matrix exactly once at full speed.
/// Every output is written as <c>y = act(alpha * s + beta * y + bias)</c>, <c>y</c> unread when beta is 0.
/// </summary>
internal static unsafe class GemmVector
{
    /// <summary>
    /// Columns per accumulation chunk of <see cref="Axpy"/>: 256 KiB of partial sums, resident in L2 (1 MiB).
    /// Long chunks make each stored row of W a long sequential run the hardware prefetcher follows; on the
    /// 768 x 50257 logits product 64 Ki columns beat 16 Ki by a few percent and 4 Ki by a third. (Software
    /// prefetching only got in the hardware prefetcher's way.)
    /// </summary>
    public const int AxpyChunk = 65536;

    /// <summary>
    /// Dot form, each output a dot product with one stored row of W:
    /// <c>s_j = sum_p x[p] * w[j * ldw + p]</c>, written to <c>y[j * yStride]</c> for j &lt; <paramref name="count"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot<TOps, TVector>(
        float* x, float* w, nint ldw, int k, int count, float* y, nint yStride,
        float alpha, float beta, float* bias, nint biasStride, GemmActivation activation)
        where TOps : struct, IGemmVectorOps<TVector>
        where TVector : struct
    {
        int width = TOps.Count, step = 4 * width;

        // One row of W at a time, so W streams through memory strictly in order. Four rows sharing each load of x
        // read four places ldw floats apart in turn, and a Zen 4 core pulled the 154 MB logits matrix of GPT-2 through
        // that pattern at 14-16 GB/s against 22-25 GB/s row by row (a plain read of the same bytes: 23 GB/s); the x
        // loads it saved hit the L1 cache anyway. Four accumulators hide the FMA latency.
        for (int j = 0; j < count; j++)
        {
            float* w0 = w + j * ldw;
            TVector a0 = TOps.Zero, a1 = TOps.Zero, a2 = TOps.Zero, a3 = TOps.Zero;
            int p = 0;
            for (; p + step <= k; p += step)
            {
                a0 = TOps.MultiplyAdd(TOps.Load(w0 + p), TOps.Load(x + p), a0);
                a1 = TOps.MultiplyAdd(TOps.Load(w0 + p + width), TOps.Load(x + p + width), a1);
                a2 = TOps.MultiplyAdd(TOps.Load(w0 + p + 2 * width), TOps.Load(x + p + 2 * width), a2);
                a3 = TOps.MultiplyAdd(TOps.Load(w0 + p + 3 * width), TOps.Load(x + p + 3 * width), a3);
            }
            for (; p + width <= k; p += width)
            {
                a0 = TOps.MultiplyAdd(TOps.Load(w0 + p), TOps.Load(x + p), a0);
            }
            float s0 = TOps.Sum(TOps.Add(TOps.Add(a0, a1), TOps.Add(a2, a3)));
            for (; p < k; p++)
            {
                s0 = MathF.FusedMultiplyAdd(w0[p], x[p], s0);
            }
            Write(y, yStride, j, s0, alpha, beta, bias, biasStride, activation);
        }
    }

    /// <summary>
    /// Axpy form, W's stored rows scaled and summed: <c>s_j = sum_p x[p] * w[p * ldw + j]</c>, written to
    /// <c>y[j * yStride]</c> for j &lt; <paramref name="count"/>. Columns go in chunks of <see cref="AxpyChunk"/> whose
    /// partial sums stay in cache (<paramref name="chunk"/>), while eight rows of W stream past per step, each read
    /// once; two accumulation chains per step halve the FMA latency on the partial sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Axpy<TOps, TVector>(
        float* x, float* w, nint ldw, int k, int count, float* y, nint yStride,
        float alpha, float beta, float* bias, nint biasStride, GemmActivation activation, float* chunk)
        where TOps : struct, IGemmVectorOps<TVector>
        where TVector : struct
    {
        int width = TOps.Count;
        for (int jc = 0; jc < count; jc += AxpyChunk)
        {
            int cols = Math.Min(AxpyChunk, count - jc);
            new Span<float>(chunk, cols).Clear();
            float* wc = w + jc;
            int p = 0;
            for (; p + 8 <= k; p += 8)
            {
                float* r0 = wc + p * ldw, r1 = r0 + ldw, r2 = r1 + ldw, r3 = r2 + ldw;
                float* r4 = r3 + ldw, r5 = r4 + ldw, r6 = r5 + ldw, r7 = r6 + ldw;
                TVector x0 = TOps.Broadcast(x[p]), x1 = TOps.Broadcast(x[p + 1]);
                TVector x2 = TOps.Broadcast(x[p + 2]), x3 = TOps.Broadcast(x[p + 3]);
                TVector x4 = TOps.Broadcast(x[p + 4]), x5 = TOps.Broadcast(x[p + 5]);
                TVector x6 = TOps.Broadcast(x[p + 6]), x7 = TOps.Broadcast(x[p + 7]);
                int j = 0;
                for (; j + width <= cols; j += width)
                {
                    TVector s = TOps.MultiplyAdd(TOps.Load(r0 + j), x0, TOps.Load(chunk + j));
                    TVector t = TOps.Multiply(TOps.Load(r1 + j), x1);
                    s = TOps.MultiplyAdd(TOps.Load(r2 + j), x2, s);
                    t = TOps.MultiplyAdd(TOps.Load(r3 + j), x3, t);
                    s = TOps.MultiplyAdd(TOps.Load(r4 + j), x4, s);
                    t = TOps.MultiplyAdd(TOps.Load(r5 + j), x5, t);
                    s = TOps.MultiplyAdd(TOps.Load(r6 + j), x6, s);
                    t = TOps.MultiplyAdd(TOps.Load(r7 + j), x7, t);
                    TOps.Store(TOps.Add(s, t), chunk + j);
                }
                for (; j < cols; j++)
                {
                    float s = MathF.FusedMultiplyAdd(r0[j], x[p], chunk[j]);
                    float t = r1[j] * x[p + 1];
                    s = MathF.FusedMultiplyAdd(r2[j], x[p + 2], s);
                    t = MathF.FusedMultiplyAdd(r3[j], x[p + 3], t);
                    s = MathF.FusedMultiplyAdd(r4[j], x[p + 4], s);
                    t = MathF.FusedMultiplyAdd(r5[j], x[p + 5], t);
                    s = MathF.FusedMultiplyAdd(r6[j], x[p + 6], s);
                    t = MathF.FusedMultiplyAdd(r7[j], x[p + 7], t);
                    chunk[j] = s + t;
                }
            }
            for (; p < k; p++)
            {
                float* r0 = wc + p * ldw;
                TVector x0 = TOps.Broadcast(x[p]);
                int j = 0;
                for (; j + width <= cols; j += width)
                {
                    TOps.Store(TOps.MultiplyAdd(TOps.Load(r0 + j), x0, TOps.Load(chunk + j)), chunk + j);
                }
                for (; j < cols; j++)
                {
                    chunk[j] = MathF.FusedMultiplyAdd(r0[j], x[p], chunk[j]);
                }
            }
            for (int j = 0; j < cols; j++)
            {
                Write(y, yStride, jc + j, chunk[j], alpha, beta, bias, biasStride, activation);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Write(float* y, nint yStride, int j, float s, float alpha, float beta, float* bias, nint biasStride, GemmActivation activation)
    {
        float* destination = y + j * yStride;
        float v = beta == 0 ? alpha * s : MathF.FusedMultiplyAdd(s, alpha, beta * *destination);
        if (bias != null)
        {
            v += bias[j * biasStride];
        }
        *destination = GemmEpilogue.Activate(v, activation);
    }
}


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
        int width = TOps.Count;
        int j = 0;

        // Four rows of W share each load of x; two accumulators per row hide the FMA latency.
        for (; j + 4 <= count; j += 4)
        {
            float* w0 = w + j * ldw, w1 = w0 + ldw, w2 = w1 + ldw, w3 = w2 + ldw;
            TVector a0 = TOps.Zero, a1 = TOps.Zero, a2 = TOps.Zero, a3 = TOps.Zero;
            TVector b0 = TOps.Zero, b1 = TOps.Zero, b2 = TOps.Zero, b3 = TOps.Zero;
            int p = 0;
            for (; p + 2 * width <= k; p += 2 * width)
            {
                TVector xa = TOps.Load(x + p), xb = TOps.Load(x + p + width);
                a0 = TOps.MultiplyAdd(TOps.Load(w0 + p), xa, a0);
                a1 = TOps.MultiplyAdd(TOps.Load(w1 + p), xa, a1);
                a2 = TOps.MultiplyAdd(TOps.Load(w2 + p), xa, a2);
                a3 = TOps.MultiplyAdd(TOps.Load(w3 + p), xa, a3);
                b0 = TOps.MultiplyAdd(TOps.Load(w0 + p + width), xb, b0);
                b1 = TOps.MultiplyAdd(TOps.Load(w1 + p + width), xb, b1);
                b2 = TOps.MultiplyAdd(TOps.Load(w2 + p + width), xb, b2);
                b3 = TOps.MultiplyAdd(TOps.Load(w3 + p + width), xb, b3);
            }
            for (; p + width <= k; p += width)
            {
                TVector xa = TOps.Load(x + p);
                a0 = TOps.MultiplyAdd(TOps.Load(w0 + p), xa, a0);
                a1 = TOps.MultiplyAdd(TOps.Load(w1 + p), xa, a1);
                a2 = TOps.MultiplyAdd(TOps.Load(w2 + p), xa, a2);
                a3 = TOps.MultiplyAdd(TOps.Load(w3 + p), xa, a3);
            }
            Vector128<float> sums = TOps.Sum4(TOps.Add(a0, b0), TOps.Add(a1, b1), TOps.Add(a2, b2), TOps.Add(a3, b3));
            float s0 = sums.GetElement(0), s1 = sums.GetElement(1), s2 = sums.GetElement(2), s3 = sums.GetElement(3);
            for (; p < k; p++)
            {
                s0 = MathF.FusedMultiplyAdd(w0[p], x[p], s0);
                s1 = MathF.FusedMultiplyAdd(w1[p], x[p], s1);
                s2 = MathF.FusedMultiplyAdd(w2[p], x[p], s2);
                s3 = MathF.FusedMultiplyAdd(w3[p], x[p], s3);
            }
            Write(y, yStride, j, s0, alpha, beta, bias, biasStride, activation);
            Write(y, yStride, j + 1, s1, alpha, beta, bias, biasStride, activation);
            Write(y, yStride, j + 2, s2, alpha, beta, bias, biasStride, activation);
            Write(y, yStride, j + 3, s3, alpha, beta, bias, biasStride, activation);
        }
        for (; j < count; j++)
        {
            float* w0 = w + j * ldw;
            TVector a0 = TOps.Zero, b0 = TOps.Zero;
            int p = 0;
            for (; p + 2 * width <= k; p += 2 * width)
            {
                a0 = TOps.MultiplyAdd(TOps.Load(w0 + p), TOps.Load(x + p), a0);
                b0 = TOps.MultiplyAdd(TOps.Load(w0 + p + width), TOps.Load(x + p + width), b0);
            }
            for (; p + width <= k; p += width)
            {
                a0 = TOps.MultiplyAdd(TOps.Load(w0 + p), TOps.Load(x + p), a0);
            }
            float s0 = TOps.Sum(TOps.Add(a0, b0));
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


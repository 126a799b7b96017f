using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels;

/// <summary>
/// Matrix-vector kernels whose matrix W is stored in half precision (bf16 or f16): the products token-by-token
/// generation makes (M = 1). They read W where it is stored, two bytes per weight, and widen it in registers next to
/// the FMAs (<see cref="IGemmHalfWiden{TVector}"/>); nothing is packed or converted ahead. Such a product moves each
/// weight once and does two floating-point operations with it, so it is bound by memory bandwidth, and halving the
/// bytes is what makes it faster than the float32 kernels in <see cref="GemmVector"/>, which these mirror.
/// Accumulation is float32; every output is written as <see cref="GemmVector.Write"/> does.
/// </summary>
internal static unsafe class GemmVectorHalf
{
    /// <summary>
    /// Dot form, each output a dot product with one stored row of W:
    /// <c>s_j = sum_p x[p] * w[j * ldw + p]</c>, written to <c>y[j * yStride]</c> for j &lt; <paramref name="count"/>.
    /// Each block of <c>2 * Count</c> weights is widened as its even- and odd-indexed values
    /// (<see cref="IGemmHalfWiden{TVector}.Even"/>, <see cref="IGemmHalfWiden{TVector}.Odd"/>) against
    /// <paramref name="xPairs"/>, x with each such block deinterleaved the same way (<see cref="Deinterleave"/>): one
    /// load and one shift or mask per vector of bf16 weights. The tail past the last whole block reads x itself. A row
    /// whose widening by <typeparamref name="TWiden"/> saw a value it cannot represent is redone with
    /// <typeparamref name="TExact"/> (<see cref="IGemmHalfWiden{TVector}.SawNonFinite"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot<TOps, TWiden, TExact, TVector>(
        float* x, float* xPairs, ushort* w, nint ldw, int k, int count, float* y, nint yStride,
        float alpha, float beta, float* bias, nint biasStride, GemmActivation activation)
        where TOps : struct, IGemmVectorOps<TVector>
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TExact : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        // One row of W at a time, so W streams through memory strictly in order. Four rows sharing each load of x (the
        // float32 kernel's shape) read four places 2 * ldw bytes apart in turn, and one Zen 5 core pulled bf16 weights
        // through that pattern at 14-21 GB/s against 22-28 GB/s row by row (the x loads it saves hit the L1 cache anyway).
        for (int j = 0; j < count; j++)
        {
            ushort* w0 = w + j * ldw;
            float s0 = DotRow<TOps, TWiden, TVector>(x, xPairs, w0, k, out bool sawNonFinite);
            if (sawNonFinite)
            {
                // The fast widening got an infinity or a NaN wrong: the same row again, exactly, in the same order.
                s0 = DotRow<TOps, TExact, TVector>(x, xPairs, w0, k, out _);
            }
            GemmVector.Write(y, yStride, j, s0, alpha, beta, bias, biasStride, activation);
        }
    }

    /// <summary>
    /// One output of <see cref="Dot"/>: the dot product of x with the stored row at <paramref name="w0"/>. Four
    /// accumulators, the even and odd halves of two consecutive blocks, hide the FMA latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DotRow<TOps, TWiden, TVector>(float* x, float* xPairs, ushort* w0, int k, out bool sawNonFinite)
        where TOps : struct, IGemmVectorOps<TVector>
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        int width = TOps.Count, step = 2 * width;
        TVector a0 = TOps.Zero, b0 = TOps.Zero, a1 = TOps.Zero, b1 = TOps.Zero, watch = TOps.Zero;
        int p = 0;
        for (; p + 2 * step <= k; p += 2 * step)
        {
            TVector e0 = TWiden.Even(w0 + p), o0 = TWiden.Odd(w0 + p);
            TVector e1 = TWiden.Even(w0 + p + step), o1 = TWiden.Odd(w0 + p + step);
            a0 = TOps.MultiplyAdd(e0, TOps.Load(xPairs + p), a0);
            b0 = TOps.MultiplyAdd(o0, TOps.Load(xPairs + p + width), b0);
            a1 = TOps.MultiplyAdd(e1, TOps.Load(xPairs + p + step), a1);
            b1 = TOps.MultiplyAdd(o1, TOps.Load(xPairs + p + step + width), b1);
            watch = TWiden.Watch(TWiden.Watch(TWiden.Watch(TWiden.Watch(watch, e0), o0), e1), o1);
        }
        if (p + step <= k)
        {
            TVector e0 = TWiden.Even(w0 + p), o0 = TWiden.Odd(w0 + p);
            a0 = TOps.MultiplyAdd(e0, TOps.Load(xPairs + p), a0);
            b0 = TOps.MultiplyAdd(o0, TOps.Load(xPairs + p + width), b0);
            watch = TWiden.Watch(TWiden.Watch(watch, e0), o0);
            p += step;
        }
        float s0 = TOps.Sum(TOps.Add(TOps.Add(a0, b0), TOps.Add(a1, b1)));
        for (; p < k; p++)
        {
            s0 = MathF.FusedMultiplyAdd(TWiden.ToSingle(w0[p]), x[p], s0);
        }
        sawNonFinite = TWiden.SawNonFinite(watch);
        return s0;
    }

    /// <summary>
    /// Writes x with each whole block of <c>2 * width</c> values deinterleaved, evens first then odds:
    /// <c>xPairs[q + i] = x[q + 2i]</c>, <c>xPairs[q + width + i] = x[q + 2i + 1]</c>, for the blocks <see cref="Dot"/> reads.
    /// </summary>
    public static void Deinterleave(float* x, int k, int width, float* xPairs)
    {
        int step = 2 * width;
        for (int q = 0; q + step <= k; q += step)
        {
            for (int i = 0; i < width; i++)
            {
                xPairs[q + i] = x[q + 2 * i];
                xPairs[q + width + i] = x[q + 2 * i + 1];
            }
        }
    }

    /// <summary>
    /// Axpy form, W's stored rows scaled and summed: <c>s_j = sum_p x[p] * w[p * ldw + j]</c>, written to
    /// <c>y[j * yStride]</c> for j &lt; <paramref name="count"/>. As <see cref="GemmVector.Axpy"/>: columns in chunks of
    /// <see cref="GemmVector.AxpyChunk"/> whose partial sums stay in cache (<paramref name="chunk"/>), summed by
    /// <see cref="SumColumns"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Axpy<TOps, TWiden, TExact, TVector>(
        float* x, ushort* w, nint ldw, int k, int count, float* y, nint yStride,
        float alpha, float beta, float* bias, nint biasStride, GemmActivation activation, float* chunk)
        where TOps : struct, IGemmVectorOps<TVector>
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TExact : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        for (int jc = 0; jc < count; jc += GemmVector.AxpyChunk)
        {
            int cols = Math.Min(GemmVector.AxpyChunk, count - jc);
            SumColumns<TOps, TWiden, TExact, TVector>(x, w + jc, ldw, k, cols, chunk);
            for (int j = 0; j < cols; j++)
            {
                GemmVector.Write(y, yStride, jc + j, chunk[j], alpha, beta, bias, biasStride, activation);
            }
        }
    }

    /// <summary>
    /// Writes <c>sums[j] = sum_p x[p] * w[p * ldw + j]</c> over the <paramref name="k"/> stored rows for
    /// j &lt; <paramref name="cols"/> (<see cref="AxpySums"/> from zero), with <typeparamref name="TWiden"/>, and again
    /// with <typeparamref name="TExact"/> if that widening saw an infinity or a NaN it cannot represent
    /// (<see cref="IGemmHalfWiden{TVector}.SawNonFinite"/>): the same order of additions either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SumColumns<TOps, TWiden, TExact, TVector>(float* x, ushort* w, nint ldw, int k, int cols, float* sums)
        where TOps : struct, IGemmVectorOps<TVector>
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TExact : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        new Span<float>(sums, cols).Clear();
        if (AxpySums<TOps, TWiden, TVector>(x, w, ldw, k, cols, sums))
        {
            new Span<float>(sums, cols).Clear();
            AxpySums<TOps, TExact, TVector>(x, w, ldw, k, cols, sums);
        }
    }

    /// <summary>
    /// Rows of W stored at most this long (in bytes, 1,024 half-precision weights) are summed one at a time
    /// (<see cref="AxpySumsRowByRow"/>), longer ones eight at a time. Eight rows per step read eight places
    /// <c>2 * ldw</c> bytes apart; when the rows are short (GPT-2's <c>c_proj</c> products, 768 columns, 1.5 KB rows)
    /// each of those eight streams ends after a few dozen cache lines, before the hardware prefetcher is running ahead
    /// of it, and one Zen 4 core pulled bf16 weights through at 9-11 GB/s. One row at a time reads W strictly in order,
    /// one stream, and reached 17-22 GB/s there; its partial sums (3 KB) stay in L1. On long rows (3,072 columns) it
    /// fell to 13 GB/s against 15-18 for eight rows, whose sums, reused eight times in registers, then matter more.
    /// </summary>
    public const int RowByRowLimitBytes = 2048;

    /// <summary>
    /// Adds <c>sum_p x[p] * w[p * ldw + j]</c> over the <paramref name="k"/> stored rows to <c>sums[j]</c> for
    /// j &lt; <paramref name="cols"/>: eight rows streaming past per step, each read once, two accumulation chains per
    /// widened half; short rows one at a time (<see cref="RowByRowLimitBytes"/>). The rows of one call can be a slice of
    /// W's (<see cref="GemmHalfTask"/> splits K this way), and the columns part of a row. The choice depends on the
    /// stored row length <paramref name="ldw"/> only, so a product adds in the same order whatever the thread count.
    /// Returns whether the widening saw a value it cannot represent (<see cref="IGemmHalfWiden{TVector}.SawNonFinite"/>);
    /// the sums are then wrong and <see cref="SumColumns"/> redoes them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AxpySums<TOps, TWiden, TVector>(float* x, ushort* w, nint ldw, int k, int cols, float* sums)
        where TOps : struct, IGemmVectorOps<TVector>
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        // Chosen by the stored row length, not by cols: when threads split the columns, each part's cols differ with the
        // thread count, and the two forms add in different orders.
        if ((long)ldw * sizeof(ushort) <= RowByRowLimitBytes)
        {
            return AxpySumsRowByRow<TOps, TWiden, TVector>(x, w, ldw, k, cols, sums);
        }
        int width = TOps.Count, step = 2 * width;
        TVector watch = TOps.Zero;
        int p = 0;
        for (; p + 8 <= k; p += 8)
        {
            ushort* r0 = w + p * ldw, r1 = r0 + ldw, r2 = r1 + ldw, r3 = r2 + ldw;
            ushort* r4 = r3 + ldw, r5 = r4 + ldw, r6 = r5 + ldw, r7 = r6 + ldw;
            TVector x0 = TOps.Broadcast(x[p]), x1 = TOps.Broadcast(x[p + 1]);
            TVector x2 = TOps.Broadcast(x[p + 2]), x3 = TOps.Broadcast(x[p + 3]);
            TVector x4 = TOps.Broadcast(x[p + 4]), x5 = TOps.Broadcast(x[p + 5]);
            TVector x6 = TOps.Broadcast(x[p + 6]), x7 = TOps.Broadcast(x[p + 7]);
            int j = 0;
            for (; j + step <= cols; j += step)
            {
                TVector l0 = TWiden.Low(r0 + j), h0 = TWiden.High(r0 + j), l1 = TWiden.Low(r1 + j), h1 = TWiden.High(r1 + j);
                TVector s = TOps.MultiplyAdd(l0, x0, TOps.Load(sums + j));
                TVector u = TOps.MultiplyAdd(h0, x0, TOps.Load(sums + j + width));
                TVector t = TOps.Multiply(l1, x1);
                TVector v = TOps.Multiply(h1, x1);
                watch = TWiden.Watch(TWiden.Watch(TWiden.Watch(TWiden.Watch(watch, l0), h0), l1), h1);
                TVector l2 = TWiden.Low(r2 + j), h2 = TWiden.High(r2 + j), l3 = TWiden.Low(r3 + j), h3 = TWiden.High(r3 + j);
                s = TOps.MultiplyAdd(l2, x2, s);
                u = TOps.MultiplyAdd(h2, x2, u);
                t = TOps.MultiplyAdd(l3, x3, t);
                v = TOps.MultiplyAdd(h3, x3, v);
                watch = TWiden.Watch(TWiden.Watch(TWiden.Watch(TWiden.Watch(watch, l2), h2), l3), h3);
                TVector l4 = TWiden.Low(r4 + j), h4 = TWiden.High(r4 + j), l5 = TWiden.Low(r5 + j), h5 = TWiden.High(r5 + j);
                s = TOps.MultiplyAdd(l4, x4, s);
                u = TOps.MultiplyAdd(h4, x4, u);
                t = TOps.MultiplyAdd(l5, x5, t);
                v = TOps.MultiplyAdd(h5, x5, v);
                watch = TWiden.Watch(TWiden.Watch(TWiden.Watch(TWiden.Watch(watch, l4), h4), l5), h5);
                TVector l6 = TWiden.Low(r6 + j), h6 = TWiden.High(r6 + j), l7 = TWiden.Low(r7 + j), h7 = TWiden.High(r7 + j);
                s = TOps.MultiplyAdd(l6, x6, s);
                u = TOps.MultiplyAdd(h6, x6, u);
                t = TOps.MultiplyAdd(l7, x7, t);
                v = TOps.MultiplyAdd(h7, x7, v);
                watch = TWiden.Watch(TWiden.Watch(TWiden.Watch(TWiden.Watch(watch, l6), h6), l7), h7);
                TOps.Store(TOps.Add(s, t), sums + j);
                TOps.Store(TOps.Add(u, v), sums + j + width);
            }
            for (; j < cols; j++)
            {
                float s = MathF.FusedMultiplyAdd(TWiden.ToSingle(r0[j]), x[p], sums[j]);
                float t = TWiden.ToSingle(r1[j]) * x[p + 1];
                s = MathF.FusedMultiplyAdd(TWiden.ToSingle(r2[j]), x[p + 2], s);
                t = MathF.FusedMultiplyAdd(TWiden.ToSingle(r3[j]), x[p + 3], t);
                s = MathF.FusedMultiplyAdd(TWiden.ToSingle(r4[j]), x[p + 4], s);
                t = MathF.FusedMultiplyAdd(TWiden.ToSingle(r5[j]), x[p + 5], t);
                s = MathF.FusedMultiplyAdd(TWiden.ToSingle(r6[j]), x[p + 6], s);
                t = MathF.FusedMultiplyAdd(TWiden.ToSingle(r7[j]), x[p + 7], t);
                sums[j] = s + t;
            }
        }
        for (; p < k; p++)
        {
            watch = AddRow<TOps, TWiden, TVector>(x[p], w + p * ldw, cols, sums, watch);
        }
        return TWiden.SawNonFinite(watch);
    }

    /// <summary>
    /// <see cref="AxpySums"/> one stored row at a time: <c>sums[j] += x[p] * w[p * ldw + j]</c> for p in order, so W is
    /// read as one sequential stream.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AxpySumsRowByRow<TOps, TWiden, TVector>(float* x, ushort* w, nint ldw, int k, int cols, float* sums)
        where TOps : struct, IGemmVectorOps<TVector>
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        TVector watch = TOps.Zero;
        for (int p = 0; p < k; p++)
        {
            watch = AddRow<TOps, TWiden, TVector>(x[p], w + p * ldw, cols, sums, watch);
        }
        return TWiden.SawNonFinite(watch);
    }

    /// <summary>
    /// <c>sums[j] += xp * row[j]</c> for j &lt; <paramref name="cols"/>, four vectors per step; returns
    /// <paramref name="watch"/> with the widened values folded in (<see cref="IGemmHalfWiden{TVector}.Watch"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector AddRow<TOps, TWiden, TVector>(float xp, ushort* row, int cols, float* sums, TVector watch)
        where TOps : struct, IGemmVectorOps<TVector>
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        int width = TOps.Count, step = 2 * width;
        TVector x0 = TOps.Broadcast(xp);
        int j = 0;
        for (; j + 2 * step <= cols; j += 2 * step)
        {
            TVector l0 = TWiden.Low(row + j), h0 = TWiden.High(row + j), l1 = TWiden.Low(row + j + step), h1 = TWiden.High(row + j + step);
            TOps.Store(TOps.MultiplyAdd(l0, x0, TOps.Load(sums + j)), sums + j);
            TOps.Store(TOps.MultiplyAdd(h0, x0, TOps.Load(sums + j + width)), sums + j + width);
            TOps.Store(TOps.MultiplyAdd(l1, x0, TOps.Load(sums + j + step)), sums + j + step);
            TOps.Store(TOps.MultiplyAdd(h1, x0, TOps.Load(sums + j + step + width)), sums + j + step + width);
            watch = TWiden.Watch(TWiden.Watch(TWiden.Watch(TWiden.Watch(watch, l0), h0), l1), h1);
        }
        for (; j + step <= cols; j += step)
        {
            TVector l0 = TWiden.Low(row + j), h0 = TWiden.High(row + j);
            TOps.Store(TOps.MultiplyAdd(l0, x0, TOps.Load(sums + j)), sums + j);
            TOps.Store(TOps.MultiplyAdd(h0, x0, TOps.Load(sums + j + width)), sums + j + width);
            watch = TWiden.Watch(TWiden.Watch(watch, l0), h0);
        }
        for (; j < cols; j++)
        {
            sums[j] = MathF.FusedMultiplyAdd(TWiden.ToSingle(row[j]), xp, sums[j]);
        }
        return watch;
    }
}

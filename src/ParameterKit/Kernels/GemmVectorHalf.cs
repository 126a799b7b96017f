using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    /// <paramref name="xPairs"/>, x at the widening's scale with each such block deinterleaved the same way (<see cref="Deinterleave"/>): one
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
        int ahead = PrefetchRowsAhead(ldw);
        for (int j = 0; j < count; j++)
        {
            ushort* w0 = w + j * ldw;
            if (j + ahead < count)
            {
                PrefetchRow(w0 + ahead * ldw, k);
            }
            float s0 = DotRow<TOps, TWiden, TVector>(x, xPairs, w0, k, out bool sawNonFinite);
            if (sawNonFinite)
            {
                // The fast widening got an infinity or a NaN wrong: the same row again, exactly, in the same order, and
                // at the same scale as the x the call prepared (a constant test the JIT folds).
                s0 = TWiden.InputScale == 1f
                    ? DotRow<TOps, TExact, TVector>(x, xPairs, w0, k, out _)
                    : DotRow<TOps, GemmWidenDescaled<TExact, TOps, TVector>, TVector>(x, xPairs, w0, k, out _);
            }
            GemmVector.Write(y, yStride, j, s0, alpha, beta, bias, biasStride, activation);
        }
    }

    /// <summary>
    /// How far ahead of the row it is summing <see cref="Dot"/> asks for W: the row about <see cref="PrefetchBytes"/> on
    /// (at least the next). The hardware prefetcher alone kept one Zen 5 core's bf16 dot product at 28-33 GB/s where the
    /// float32 one, with half the work per byte, reached 40: widening leaves fewer of the core's slots for the loads
    /// that run ahead, so fewer lines are in flight. Asking eight of GPT-2's 1.5 KB bf16 rows ahead took the tied head
    /// (1 x 768 x 50,257) from 2.66-3.10 ms to 2.09-2.38 ms at one thread and from 1.22-1.25 to 1.09-1.14 ms at two
    /// (library before and after in alternating processes; <c>benchmarks/README.md</c>, "The half dot form asks for W
    /// eight rows ahead"). The float32 dot kernel, asked four of its 3 KB rows ahead, got slower (3.90 -> 4.61 ms), and
    /// the half axpy form (GPT-2's Conv1D layers) showed no clear gain over its 48 products: neither asks ahead.
    /// </summary>
    private static int PrefetchRowsAhead(nint ldw) => (int)Math.Max(1, PrefetchBytes / (2 * ldw));

    /// <summary>Bytes of W between the row <see cref="Dot"/> sums and the row it asks for (eight of GPT-2's bf16 rows).</summary>
    private const int PrefetchBytes = 12288;

    /// <summary>Asks for the <paramref name="k"/> stored halves at <paramref name="row"/> to be brought into cache, one request
    /// per 64-byte line; a hint that never faults, and nothing where the CPU has no such instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRow(ushort* row, int k)
    {
        if (!Sse.IsSupported)
        {
            return;
        }
        // From the line the row starts in: a row at any address (a mapped checkpoint's) is covered to its end.
        byte* end = (byte*)(row + k);
        for (byte* line = (byte*)((nint)row & ~(nint)63); line < end; line += 64)
        {
            Sse.Prefetch0(line);
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
            watch = TWiden.Watch(TWiden.Watch(watch, w0 + p), w0 + p + step);
        }
        if (p + step <= k)
        {
            TVector e0 = TWiden.Even(w0 + p), o0 = TWiden.Odd(w0 + p);
            a0 = TOps.MultiplyAdd(e0, TOps.Load(xPairs + p), a0);
            b0 = TOps.MultiplyAdd(o0, TOps.Load(xPairs + p + width), b0);
            watch = TWiden.Watch(watch, w0 + p);
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
    /// Writes x times <paramref name="scale"/> (the widening's <see cref="IGemmHalfWiden{TVector}.InputScale"/>) with each
    /// whole block of <c>2 * width</c> values deinterleaved, evens first then odds:
    /// <c>xPairs[q + i] = scale * x[q + 2i]</c>, <c>xPairs[q + width + i] = scale * x[q + 2i + 1]</c>, for the blocks
    /// <see cref="Dot"/> reads.
    /// </summary>
    public static void Deinterleave(float* x, int k, int width, float scale, float* xPairs)
    {
        int step = 2 * width;
        for (int q = 0; q + step <= k; q += step)
        {
            for (int i = 0; i < width; i++)
            {
                xPairs[q + i] = scale * x[q + 2 * i];
                xPairs[q + width + i] = scale * x[q + 2 * i + 1];
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
    /// Adds <c>sum_p x[p] * w[p * ldw + j]</c> over the <paramref name="k"/> stored rows to <c>sums[j]</c> for
    /// j &lt; <paramref name="cols"/>, one stored row at a time, so W is read as one sequential stream and the partial
    /// sums (at most <see cref="GemmVector.AxpyChunk"/> floats, in practice a few KB) stay in L1 between rows. The rows of
    /// one call can be a slice of W's (<see cref="GemmHalfTask"/> splits K this way), and the columns part of a row.
    /// Returns whether the widening saw a value it cannot represent (<see cref="IGemmHalfWiden{TVector}.SawNonFinite"/>);
    /// the sums are then wrong and <see cref="SumColumns"/> redoes them.
    /// </summary>
    /// <remarks>
    /// Summing eight rows per step keeps the partial sums in registers across the eight, but reads eight places
    /// <c>2 * ldw</c> bytes apart, eight prefetch streams; one Zen 4 core pulled GPT-2's bf16 and f16 weights through
    /// that at 9-20 GB/s (short rows worst: each stream ends before the prefetcher runs ahead of it) against 20-27 GB/s
    /// one row at a time, widened four vectors ahead of their FMAs (<c>benchmarks/README.md</c>, "Zen 4, 4 Dec 2026").
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AxpySums<TOps, TWiden, TVector>(float* x, ushort* w, nint ldw, int k, int cols, float* sums)
        where TOps : struct, IGemmVectorOps<TVector>
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        TVector watch = TOps.Zero;
        int p = 0;
        if (cols >= WideRow)
        {
            for (; p + 4 <= k; p += 4)
            {
                watch = AddFourRows<TOps, TWiden, TVector>(x + p, w + p * ldw, ldw, cols, sums, watch);
            }
        }
        for (; p < k; p++)
        {
            watch = AddRow<TOps, TWiden, TVector>(x[p], w + p * ldw, cols, sums, watch);
        }
        return TWiden.SawNonFinite(watch);
    }

    /// <summary>
    /// From this many columns on, <see cref="AxpySums"/> adds four stored rows per pass over the sums (<see cref="AddFourRows"/>).
    /// Row by row, every row loads and stores all the partial sums once: for a row of 50,257 columns that is 200 KB of sums
    /// (in L2, not L1) read and written per 100 KB of bf16 weights, and one Zen 4 core ran 768 x 50,257 at 9-10 GB/s of
    /// weights, slower than the float32 kernel. Rows that long are long streams, so four at a time does not starve the
    /// prefetcher as it did GPT-2's 1.5-6 KB rows (see <see cref="AxpySums"/>).
    /// </summary>
    internal const int WideRow = 16384;

    /// <summary>
    /// <c>sums[j] += x[0] * w[j]</c>, then <c>+= x[1] * w[ldw + j]</c>, <c>x[2]</c>, <c>x[3]</c>, for j &lt;
    /// <paramref name="cols"/>: four stored rows with the sums loaded and stored once. Each sum receives the same FMAs in
    /// the same order as four calls of <see cref="AddRow"/> give it, so the bits are the same either way; returns
    /// <paramref name="watch"/> with the four rows' stored halves folded in.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector AddFourRows<TOps, TWiden, TVector>(float* x, ushort* w, nint ldw, int cols, float* sums, TVector watch)
        where TOps : struct, IGemmVectorOps<TVector>
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        int width = TOps.Count, step = 2 * width;
        ushort* r0 = w, r1 = w + ldw, r2 = w + 2 * ldw, r3 = w + 3 * ldw;
        float scale = TWiden.InputScale;
        TVector x0 = TOps.Broadcast(x[0] * scale), x1 = TOps.Broadcast(x[1] * scale), x2 = TOps.Broadcast(x[2] * scale), x3 = TOps.Broadcast(x[3] * scale);
        int j = 0;
        for (; j + step <= cols; j += step)
        {
            TVector l0 = TWiden.Low(r0 + j), h0 = TWiden.High(r0 + j), l1 = TWiden.Low(r1 + j), h1 = TWiden.High(r1 + j);
            TVector l2 = TWiden.Low(r2 + j), h2 = TWiden.High(r2 + j), l3 = TWiden.Low(r3 + j), h3 = TWiden.High(r3 + j);
            TVector low = TOps.MultiplyAdd(l0, x0, TOps.Load(sums + j)), high = TOps.MultiplyAdd(h0, x0, TOps.Load(sums + j + width));
            low = TOps.MultiplyAdd(l1, x1, low);
            high = TOps.MultiplyAdd(h1, x1, high);
            low = TOps.MultiplyAdd(l2, x2, low);
            high = TOps.MultiplyAdd(h2, x2, high);
            TOps.Store(TOps.MultiplyAdd(l3, x3, low), sums + j);
            TOps.Store(TOps.MultiplyAdd(h3, x3, high), sums + j + width);
            watch = TWiden.Watch(TWiden.Watch(TWiden.Watch(TWiden.Watch(watch, r0 + j), r1 + j), r2 + j), r3 + j);
        }
        for (; j < cols; j++)
        {
            float sum = MathF.FusedMultiplyAdd(TWiden.ToSingle(r0[j]), x[0], sums[j]);
            sum = MathF.FusedMultiplyAdd(TWiden.ToSingle(r1[j]), x[1], sum);
            sum = MathF.FusedMultiplyAdd(TWiden.ToSingle(r2[j]), x[2], sum);
            sums[j] = MathF.FusedMultiplyAdd(TWiden.ToSingle(r3[j]), x[3], sum);
        }
        return watch;
    }

    /// <summary>
    /// <c>sums[j] += xp * row[j]</c> for j &lt; <paramref name="cols"/>, four vectors per step; returns
    /// <paramref name="watch"/> with the row's stored halves folded in (<see cref="IGemmHalfWiden{TVector}.Watch"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector AddRow<TOps, TWiden, TVector>(float xp, ushort* row, int cols, float* sums, TVector watch)
        where TOps : struct, IGemmVectorOps<TVector>
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        int width = TOps.Count, step = 2 * width;
        // The vectors pair with x at the widening's scale; the scalar tail with x itself (ToSingle is always exact).
        TVector x0 = TOps.Broadcast(xp * TWiden.InputScale);
        int j = 0;
        for (; j + 2 * step <= cols; j += 2 * step)
        {
            TVector l0 = TWiden.Low(row + j), h0 = TWiden.High(row + j), l1 = TWiden.Low(row + j + step), h1 = TWiden.High(row + j + step);
            TOps.Store(TOps.MultiplyAdd(l0, x0, TOps.Load(sums + j)), sums + j);
            TOps.Store(TOps.MultiplyAdd(h0, x0, TOps.Load(sums + j + width)), sums + j + width);
            TOps.Store(TOps.MultiplyAdd(l1, x0, TOps.Load(sums + j + step)), sums + j + step);
            TOps.Store(TOps.MultiplyAdd(h1, x0, TOps.Load(sums + j + step + width)), sums + j + step + width);
            watch = TWiden.Watch(TWiden.Watch(watch, row + j), row + j + step);
        }
        for (; j + step <= cols; j += step)
        {
            TVector l0 = TWiden.Low(row + j), h0 = TWiden.High(row + j);
            TOps.Store(TOps.MultiplyAdd(l0, x0, TOps.Load(sums + j)), sums + j);
            TOps.Store(TOps.MultiplyAdd(h0, x0, TOps.Load(sums + j + width)), sums + j + width);
            watch = TWiden.Watch(watch, row + j);
        }
        for (; j < cols; j++)
        {
            sums[j] = MathF.FusedMultiplyAdd(TWiden.ToSingle(row[j]), xp, sums[j]);
        }
        return watch;
    }
}

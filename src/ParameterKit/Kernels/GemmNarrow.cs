using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels;

/// <summary>
/// Narrow products (2 &lt;= N &lt;= <see cref="GemmPlanner.NarrowLimit"/>, the 32 x 64 x 3 case):
/// <c>C[i, j] = sum_p rows[i * ldRows + p] * w[j * ldw + p]</c>, where W holds op(B) transposed (one stored row per
/// column of C). Each element is a dot product along K; nothing is packed.
/// </summary>
/// <remarks>
/// A tile is four rows of C by up to four columns: sixteen independent accumulators share every load, so the
/// loop is bound by the FMA pipes rather than by loads. With K this short the horizontal reductions are a large
/// part of the work, so a tile that spans all of a contiguous C reduces its sums in storage order, eight at a time
/// (<see cref="IGemmVectorOps{TVector}.Sum8"/>), and stores whole vectors. The column count of a tile is a type
/// parameter, so a three-column tile is its own loop with no padding column and no branch inside. Which vector
/// width runs on which path is <see cref="GemmNarrowOperands.Compute"/>'s choice.
/// </remarks>
internal static unsafe class GemmNarrow
{
    /// <summary>Rows of C per tile; a thread's share of a split narrow product is a whole number of tiles.</summary>
    public const int RowsPerTile = 4;

    /// <summary>Computes rows [<paramref name="i0"/>, <paramref name="i1"/>) of C, then the epilogue over them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOps, TVector>(
        float* rows, nint ldRows, float* w, nint ldw, int k, int n, float* c, nint ldc, int i0, int i1,
        float alpha, float beta, float* bias, GemmActivation activation)
        where TOps : struct, IGemmVectorOps<TVector>
        where TVector : struct
    {
        var tile = new Tile(rows, ldRows, w, ldw, k, c, ldc, alpha, beta);
        int i = i0;
        for (; i + RowsPerTile <= i1; i += RowsPerTile)
        {
            // Rows outside, columns inside: the four rows of A stay in L1 across the (at most two) column groups.
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                tile.FourRows<TOps, TVector, Four>(i, j);
            }
            switch (n - j)
            {
                case 3:
                    tile.FourRows<TOps, TVector, Three>(i, j);
                    break;
                case 2:
                    tile.FourRows<TOps, TVector, Two>(i, j);
                    break;
                case 1:
                    tile.FourRows<TOps, TVector, One>(i, j);
                    break;
            }
        }
        for (; i < i1; i++)
        {
            for (int j = 0; j < n; j += 4)
            {
                tile.OneRow<TOps, TVector>(i, j, Math.Min(4, n - j));
            }
        }
        if (bias != null || activation != GemmActivation.None)
        {
            GemmEpilogue.Apply(c + i0 * ldc, ldc, i1 - i0, n, bias, activation);
        }
    }

    /// <summary>The operands of one call, shared by its tiles.</summary>
    private readonly struct Tile(float* rows, nint ldRows, float* w, nint ldw, int k, float* c, nint ldc, float alpha, float beta)
    {
        /// <summary>Rows i .. i + 3 by columns j .. j + <typeparamref name="TColumns"/> - 1.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void FourRows<TOps, TVector, TColumns>(int i, int j)
            where TOps : struct, IGemmVectorOps<TVector>
            where TVector : struct
            where TColumns : struct, IColumnCount
        {
            int width = TOps.Count;
            int columns = TColumns.Value;
            float* x0 = rows + i * ldRows, x1 = x0 + ldRows, x2 = x1 + ldRows, x3 = x2 + ldRows;
            float* w0 = w + j * ldw, w1 = w0 + ldw, w2 = w1 + ldw, w3 = w2 + ldw;
            TVector a00 = TOps.Zero, a01 = TOps.Zero, a02 = TOps.Zero, a03 = TOps.Zero;
            TVector a10 = TOps.Zero, a11 = TOps.Zero, a12 = TOps.Zero, a13 = TOps.Zero;
            TVector a20 = TOps.Zero, a21 = TOps.Zero, a22 = TOps.Zero, a23 = TOps.Zero;
            TVector a30 = TOps.Zero, a31 = TOps.Zero, a32 = TOps.Zero, a33 = TOps.Zero;
            int p = 0;
            for (; p + width <= k; p += width)
            {
                // `columns` is a JIT-time constant: the tests below vanish, leaving straight-line FMAs.
                TVector v0 = TOps.Load(x0 + p), v1 = TOps.Load(x1 + p), v2 = TOps.Load(x2 + p), v3 = TOps.Load(x3 + p);
                TVector u = TOps.Load(w0 + p);
                a00 = TOps.MultiplyAdd(u, v0, a00);
                a10 = TOps.MultiplyAdd(u, v1, a10);
                a20 = TOps.MultiplyAdd(u, v2, a20);
                a30 = TOps.MultiplyAdd(u, v3, a30);
                if (columns > 1)
                {
                    u = TOps.Load(w1 + p);
                    a01 = TOps.MultiplyAdd(u, v0, a01);
                    a11 = TOps.MultiplyAdd(u, v1, a11);
                    a21 = TOps.MultiplyAdd(u, v2, a21);
                    a31 = TOps.MultiplyAdd(u, v3, a31);
                }
                if (columns > 2)
                {
                    u = TOps.Load(w2 + p);
                    a02 = TOps.MultiplyAdd(u, v0, a02);
                    a12 = TOps.MultiplyAdd(u, v1, a12);
                    a22 = TOps.MultiplyAdd(u, v2, a22);
                    a32 = TOps.MultiplyAdd(u, v3, a32);
                }
                if (columns > 3)
                {
                    u = TOps.Load(w3 + p);
                    a03 = TOps.MultiplyAdd(u, v0, a03);
                    a13 = TOps.MultiplyAdd(u, v1, a13);
                    a23 = TOps.MultiplyAdd(u, v2, a23);
                    a33 = TOps.MultiplyAdd(u, v3, a33);
                }
            }
            float* ci = c + i * ldc + j;
            if (p == k && ldc == columns)
            {
                // The tile is the whole width of a contiguous C, so its sums are contiguous too: reduce them in
                // storage order, eight at a time, and store whole vectors (fewer shuffles, no scalar stores).
                StoreFlat<TOps, TVector>(ci, columns,
                    a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23, a30, a31, a32, a33);
                return;
            }
            Vector128<float> s0 = TOps.Sum4(a00, a01, a02, a03), s1 = TOps.Sum4(a10, a11, a12, a13);
            Vector128<float> s2 = TOps.Sum4(a20, a21, a22, a23), s3 = TOps.Sum4(a30, a31, a32, a33);
            for (; p < k; p++)
            {
                Vector128<float> column = Column(w0, w1, w2, w3, p, columns);
                s0 = Vector128.FusedMultiplyAdd(column, Vector128.Create(x0[p]), s0);
                s1 = Vector128.FusedMultiplyAdd(column, Vector128.Create(x1[p]), s1);
                s2 = Vector128.FusedMultiplyAdd(column, Vector128.Create(x2[p]), s2);
                s3 = Vector128.FusedMultiplyAdd(column, Vector128.Create(x3[p]), s3);
            }
            StoreGroup(ci, s0, columns, alpha, beta);
            StoreGroup(ci + ldc, s1, columns, alpha, beta);
            StoreGroup(ci + 2 * ldc, s2, columns, alpha, beta);
            StoreGroup(ci + 3 * ldc, s3, columns, alpha, beta);
        }

        /// <summary>
        /// Stores a four-row tile of a C whose rows are exactly <paramref name="columns"/> (2 to 4) long: the
        /// 4 * columns sums in row-major order, the accumulators listed row by row (a_rc).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void StoreFlat<TOps, TVector>(
            float* ci, int columns,
            TVector a00, TVector a01, TVector a02, TVector a03, TVector a10, TVector a11, TVector a12, TVector a13,
            TVector a20, TVector a21, TVector a22, TVector a23, TVector a30, TVector a31, TVector a32, TVector a33)
            where TOps : struct, IGemmVectorOps<TVector>
            where TVector : struct
        {
            switch (columns)
            {
                case 2:
                    Store(ci, TOps.Sum8(a00, a01, a10, a11, a20, a21, a30, a31));
                    break;
                case 3:
                    Store(ci, TOps.Sum8(a00, a01, a02, a10, a11, a12, a20, a21));
                    Store(ci + 8, TOps.Sum4(a22, a30, a31, a32));
                    break;
                default:
                    Store(ci, TOps.Sum8(a00, a01, a02, a03, a10, a11, a12, a13));
                    Store(ci + 8, TOps.Sum8(a20, a21, a22, a23, a30, a31, a32, a33));
                    break;
            }
        }

        private void Store(float* destination, Vector256<float> sums)
        {
            Vector256<float> scaled = sums * Vector256.Create(alpha);
            Vector256.Store(beta == 0 ? scaled : Vector256.FusedMultiplyAdd(Vector256.Load(destination), Vector256.Create(beta), scaled), destination);
        }

        private void Store(float* destination, Vector128<float> sums)
        {
            Vector128<float> scaled = sums * Vector128.Create(alpha);
            Vector128.Store(beta == 0 ? scaled : Vector128.FusedMultiplyAdd(Vector128.Load(destination), Vector128.Create(beta), scaled), destination);
        }

        /// <summary>Row i by columns j .. j + <paramref name="columns"/> - 1 (1 to 4): the last M mod 4 rows.</summary>
        public void OneRow<TOps, TVector>(int i, int j, int columns)
            where TOps : struct, IGemmVectorOps<TVector>
            where TVector : struct
        {
            int width = TOps.Count;
            float* x = rows + i * ldRows;
            float* w0 = w + j * ldw;
            float* w1 = columns > 1 ? w0 + ldw : w0, w2 = columns > 2 ? w0 + 2 * ldw : w0, w3 = columns > 3 ? w0 + 3 * ldw : w0;
            TVector a0 = TOps.Zero, a1 = TOps.Zero, a2 = TOps.Zero, a3 = TOps.Zero;
            int p = 0;
            for (; p + width <= k; p += width)
            {
                // Missing columns re-read column 0 (always valid memory); their sums are never stored.
                TVector v = TOps.Load(x + p);
                a0 = TOps.MultiplyAdd(TOps.Load(w0 + p), v, a0);
                a1 = TOps.MultiplyAdd(TOps.Load(w1 + p), v, a1);
                a2 = TOps.MultiplyAdd(TOps.Load(w2 + p), v, a2);
                a3 = TOps.MultiplyAdd(TOps.Load(w3 + p), v, a3);
            }
            Vector128<float> s = TOps.Sum4(a0, a1, a2, a3);
            for (; p < k; p++)
            {
                s = Vector128.FusedMultiplyAdd(Vector128.Create(w0[p], w1[p], w2[p], w3[p]), Vector128.Create(x[p]), s);
            }
            StoreGroup(c + i * ldc + j, s, columns, alpha, beta);
        }

        /// <summary>Element p of the first <paramref name="columns"/> stored rows of W, zero beyond them.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> Column(float* w0, float* w1, float* w2, float* w3, int p, int columns) =>
            Vector128.Create(w0[p], columns > 1 ? w1[p] : 0, columns > 2 ? w2[p] : 0, columns > 3 ? w3[p] : 0);
    }

    /// <summary>
    /// Stores <c>alpha * s + beta * c</c> into the first <paramref name="cols"/> (1 to 4) elements at <paramref name="c"/>.
    /// A short group writes only its own elements, never the next row's (which may belong to another thread);
    /// it uses scalar stores because masked vector stores are slow on AMD.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreGroup(float* c, Vector128<float> s, int cols, float alpha, float beta)
    {
        Vector128<float> va = Vector128.Create(alpha);
        if (cols == 4)
        {
            Vector128.Store(beta == 0 ? s * va : Vector128.FusedMultiplyAdd(s, va, Vector128.Load(c) * Vector128.Create(beta)), c);
            return;
        }
        Vector128<float> v = beta == 0 ? s * va : Vector128.FusedMultiplyAdd(
            s, va, Vector128.Create(c[0], cols > 1 ? c[1] : 0, cols > 2 ? c[2] : 0, 0) * Vector128.Create(beta));
        c[0] = v.GetElement(0);
        if (cols > 1)
        {
            c[1] = v.GetElement(1);
        }
        if (cols > 2)
        {
            c[2] = v.GetElement(2);
        }
    }

    /// <summary>A tile's column count as a type, so the JIT compiles one loop per count.</summary>
    private interface IColumnCount
    {
        static abstract int Value { get; }
    }

    private readonly struct One : IColumnCount
    {
        public static int Value => 1;
    }

    private readonly struct Two : IColumnCount
    {
        public static int Value => 2;
    }

    private readonly struct Three : IColumnCount
    {
        public static int Value => 3;
    }

    private readonly struct Four : IColumnCount
    {
        public static int Value => 4;
    }
}

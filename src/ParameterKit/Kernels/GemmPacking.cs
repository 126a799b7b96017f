using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParameterKit.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous, interleaved order the micro-kernels read.
/// Packing turns every transpose case into the same unit-stride stream, keeps panels in cache without
/// conflict misses from large leading dimensions, and zero-pads partial panels so edge tiles run the same
/// kernel. A packed A micro-panel holds MR rows: element (i, p) at <c>p * MR + i</c>; a packed B micro-panel
/// holds NR columns: element (p, j) at <c>p * NR + j</c>; micro-panels follow one another, each kc deep.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>Packs op(A)[i0 .. i0 + mc, p0 .. p0 + kc] into <paramref name="dest"/> as MR-row micro-panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(in GemmProblem g, int i0, int p0, int mc, int kc, int mr, float* dest)
    {
        if (g.TransA == Transpose.Yes)
        {
            // Stored K x M: each k gives MR adjacent values, a straight copy, done stored row by stored row
            // for sequential reads (see PackB).
            CopyPanels(g.A + (long)p0 * g.Lda + i0, g.Lda, dest, kc, mc, mr);
            return;
        }
        for (int ir = 0; ir < mc; ir += mr)
        {
            // Stored M x K: each stored row becomes a column of the panel, a transpose.
            TransposeInto(g.A + (long)(i0 + ir) * g.Lda + p0, g.Lda, dest + (long)ir * kc, mr, Math.Min(mr, mc - ir), kc);
        }
    }

    /// <summary>Packs op(B)[p0 .. p0 + kc, j0 .. j0 + nc] into <paramref name="dest"/> as NR-column micro-panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(in GemmProblem g, int p0, int j0, int kc, int nc, int nr, float* dest)
    {
        if (g.TransB == Transpose.No)
        {
            // Stored K x N: each k gives NR adjacent values, a straight copy.
            CopyPanels(g.B + (long)p0 * g.Ldb + j0, g.Ldb, dest, kc, nc, nr);
            return;
        }
        for (int jr = 0; jr < nc; jr += nr)
        {
            // Stored N x K (the Linear layer's weight, OC x C): a transpose.
            TransposeInto(g.B + (long)(j0 + jr) * g.Ldb + p0, g.Ldb, dest + (long)jr * kc, nr, Math.Min(nr, nc - jr), kc);
        }
    }

    /// <summary>
    /// Packs <paramref name="depth"/> stored rows of <paramref name="count"/> values (stride <paramref name="ld"/>)
    /// into micro-panels <paramref name="width"/> wide, zero-padding the last. It goes stored row by stored row,
    /// so the source is read as long sequential runs the hardware prefetcher keeps up with; micro-panel by
    /// micro-panel would read it in 128-byte pieces at a stride of ld, which cost a third of the time of a
    /// 64 x 768 x 3072 product.
    /// </summary>
    private static void CopyPanels(float* src, int ld, float* dest, int depth, int count, int width)
    {
        int full = count / width * width;
        for (int p = 0; p < depth; p++, src += ld)
        {
            float* d = dest + (long)p * width;
            int j = 0;
            for (; j < full; j += width, d += (long)width * depth)
            {
                CopyRow(src + j, d, width);
            }
            if (j < count)
            {
                int rest = count - j;
                CopyRow(src + j, d, rest);
                new Span<float>(d + rest, width - rest).Clear();
            }
        }
    }

    /// <summary>Copies <paramref name="count"/> floats with the widest vectors available.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(float* src, float* dest, int count)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 16 <= count; j += 16)
            {
                Vector512.Store(Vector512.Load(src + j), dest + j);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= count; j += 8)
            {
                Vector256.Store(Vector256.Load(src + j), dest + j);
            }
        }
        for (; j + 4 <= count; j += 4)
        {
            Vector128.Store(Vector128.Load(src + j), dest + j);
        }
        for (; j < count; j++)
        {
            dest[j] = src[j];
        }
    }

    /// <summary>
    /// Writes <c>dest[p * width + r] = src[r * ld + p]</c> for r &lt; <paramref name="count"/>, p &lt; <paramref name="depth"/>,
    /// zero for <paramref name="count"/> &lt;= r &lt; <paramref name="width"/>. Eight-by-eight register transposes
    /// (AVX) do the bulk; this is the packing the Linear layer's NT product leans on, so it must not be scalar.
    /// </summary>
    public static void TransposeInto(float* src, int ld, float* dest, int width, int count, int depth)
    {
        int r = 0;
        if (Avx.IsSupported && depth >= 8)
        {
            for (; r + 8 <= count; r += 8)
            {
                int p = 0;
                for (; p + 8 <= depth; p += 8)
                {
                    Transpose8x8(src + (long)r * ld + p, ld, dest + (long)p * width + r, width);
                }
                TransposeScalar(src + (long)r * ld + p, ld, dest + (long)p * width + r, width, 8, depth - p);
            }
            for (; r + 4 <= count; r += 4)
            {
                int p = 0;
                for (; p + 8 <= depth; p += 8)
                {
                    Transpose4x8(src + (long)r * ld + p, ld, dest + (long)p * width + r, width);
                }
                TransposeScalar(src + (long)r * ld + p, ld, dest + (long)p * width + r, width, 4, depth - p);
            }
        }
        else if (Avx.IsSupported)
        {
            r = TransposeShallow(src, ld, dest, width, count, depth);
        }
        TransposeScalar(src + (long)r * ld, ld, dest + r, width, count - r, depth);
        for (int p = 0; p < depth; p++)
        {
            for (int z = count; z < width; z++)
            {
                dest[(long)p * width + z] = 0;
            }
        }
    }

    /// <summary>
    /// The bulk of <see cref="TransposeInto"/> for fewer than eight values per stored row (the narrow product's
    /// K x N operand, N &lt;= 8): eight stored rows by up to four values per register transpose. Returns how many
    /// stored rows it did; the scalar loop takes the rest.
    /// </summary>
    private static int TransposeShallow(float* src, int ld, float* dest, int width, int count, int depth)
    {
        // A four-value load may run past a row's last value into the next row's, which is fine until it would run
        // past the matrix's last value, (count - 1) * ld + depth: rows where that happens are read value by value.
        long end = (long)(count - 1) * ld + depth;
        int r = 0;
        for (; r + 8 <= count; r += 8)
        {
            for (int p = 0; p < depth; p += 4)
            {
                int columns = Math.Min(4, depth - p);
                float* block = src + (long)r * ld + p;
                if ((long)(r + 7) * ld + p + 4 <= end)
                {
                    Transpose8x4(
                        Sse.LoadVector128(block), Sse.LoadVector128(block + ld),
                        Sse.LoadVector128(block + 2 * ld), Sse.LoadVector128(block + 3 * ld),
                        Sse.LoadVector128(block + 4 * ld), Sse.LoadVector128(block + 5 * ld),
                        Sse.LoadVector128(block + 6 * ld), Sse.LoadVector128(block + 7 * ld),
                        dest + (long)p * width + r, width, columns);
                }
                else
                {
                    TransposeLast8x4(block, ld, (long)r * ld + p, end, dest + (long)p * width + r, width, columns);
                }
            }
        }
        return r;
    }

    /// <summary>
    /// <see cref="Transpose8x4"/> for the block at the end of the matrix, where a four-value load could run past its
    /// last value: such rows are read value by value. Kept out of line so the common blocks stay branch-free.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TransposeLast8x4(float* block, int ld, long offset, long end, float* dest, int width, int columns)
    {
        Transpose8x4(
            Row(block, offset, end, columns), Row(block + ld, offset + ld, end, columns),
            Row(block + 2 * ld, offset + 2 * ld, end, columns), Row(block + 3 * ld, offset + 3 * ld, end, columns),
            Row(block + 4 * ld, offset + 4 * ld, end, columns), Row(block + 5 * ld, offset + 5 * ld, end, columns),
            Row(block + 6 * ld, offset + 6 * ld, end, columns), Row(block + 7 * ld, offset + 7 * ld, end, columns),
            dest, width, columns);

        static Vector128<float> Row(float* row, long offset, long end, int columns) =>
            offset + 4 <= end
                ? Sse.LoadVector128(row)
                : Vector128.Create(row[0], columns > 1 ? row[1] : 0, columns > 2 ? row[2] : 0, columns > 3 ? row[3] : 0);
    }

    /// <summary>Transposes eight rows of four values into <paramref name="columns"/> rows of eight (stride width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x4(
        Vector128<float> q0, Vector128<float> q1, Vector128<float> q2, Vector128<float> q3,
        Vector128<float> q4, Vector128<float> q5, Vector128<float> q6, Vector128<float> q7,
        float* dest, int width, int columns)
    {
        // Rows r and r + 4 share a register (low and high lane); the 4 x 4 transpose within lanes then leaves
        // column q of all eight rows in one register.
        Vector256<float> r04 = Vector256.Create(q0, q4), r15 = Vector256.Create(q1, q5);
        Vector256<float> r26 = Vector256.Create(q2, q6), r37 = Vector256.Create(q3, q7);
        Vector256<float> t0 = Avx.UnpackLow(r04, r15), t1 = Avx.UnpackHigh(r04, r15);
        Vector256<float> t2 = Avx.UnpackLow(r26, r37), t3 = Avx.UnpackHigh(r26, r37);
        Avx.Store(dest, Avx.Shuffle(t0, t2, 0x44));
        if (columns > 1)
        {
            Avx.Store(dest + width, Avx.Shuffle(t0, t2, 0xEE));
        }
        if (columns > 2)
        {
            Avx.Store(dest + 2 * width, Avx.Shuffle(t1, t3, 0x44));
        }
        if (columns > 3)
        {
            Avx.Store(dest + 3 * width, Avx.Shuffle(t1, t3, 0xEE));
        }
    }

    private static void TransposeScalar(float* src, int ld, float* dest, int width, int count, int depth)
    {
        for (int r = 0; r < count; r++)
        {
            float* s = src + (long)r * ld;
            for (int p = 0; p < depth; p++)
            {
                dest[(long)p * width + r] = s[p];
            }
        }
    }

    /// <summary>Transposes an 8 x 8 block: rows of <paramref name="src"/> (stride ld) become rows of dest (stride width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, int ld, float* dest, int width)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + ld);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * ld);
        Vector256<float> r3 = Avx.LoadVector256(src + 3 * ld);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * ld);
        Vector256<float> r5 = Avx.LoadVector256(src + 5 * ld);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * ld);
        Vector256<float> r7 = Avx.LoadVector256(src + 7 * ld);

        // Interleave pairs of rows, then pairs of pairs; each 128-bit lane then holds a 4 x 4 transpose.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);

        // Join the low lanes of rows 0-3 and 4-7 for columns 0-3, the high lanes for columns 4-7.
        Avx.Store(dest, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dest + width, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dest + 2 * width, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dest + 3 * width, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dest + 4 * width, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dest + 5 * width, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dest + 6 * width, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dest + 7 * width, Avx.Permute2x128(s3, s7, 0x31));
    }

    /// <summary>Transposes a 4 x 8 block into eight rows of four (for MR = 6 and 12, which are not multiples of 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x8(float* src, int ld, float* dest, int width)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + ld);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * ld);
        Vector256<float> r3 = Avx.LoadVector256(src + 3 * ld);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);

        // Lane 0 of s_q is column q, lane 1 is column q + 4.
        Sse.Store(dest, s0.GetLower());
        Sse.Store(dest + width, s1.GetLower());
        Sse.Store(dest + 2 * width, s2.GetLower());
        Sse.Store(dest + 3 * width, s3.GetLower());
        Sse.Store(dest + 4 * width, s0.GetUpper());
        Sse.Store(dest + 5 * width, s1.GetUpper());
        Sse.Store(dest + 6 * width, s2.GetUpper());
        Sse.Store(dest + 7 * width, s3.GetUpper());
    }
}

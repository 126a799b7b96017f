using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParameterKit.Kernels;

/// <summary>
/// The integer dot products of <see cref="GemmQ8_0"/>: for outputs <c>n0 .. n1</c> and one or four quantized
/// activation rows, <c>c[r, n] = Σ_b (d_w[n, b] · d_a[r, b]) · Σ_i q_w[n, b, i] · q_a[r, b, i]</c>, the integer sum
/// of each block exact in 32-bit lanes and the block sums scaled and accumulated in float32 (llama.cpp's
/// <c>ggml_vec_dot_q8_0_q8_0</c>). Each output is computed by one thread in one fixed order, whatever the split.
/// </summary>
/// <remarks>
/// <para>
/// x86 multiplies unsigned by signed bytes (<c>vpmaddubsw</c>, <c>vpdpbusd</c>). Both operands are signed here, so
/// the weight's sign moves onto the activation: <c>|w| · (a · sign w)</c>, the same product. Q8_0 integers lie in
/// [-127, 127], so a pair of products (at most 2 · 127²) never saturates <c>vpmaddubsw</c>'s 16-bit sums.
/// </para>
/// <para>
/// One block's 32 products end in 8 lanes; each lane is converted and multiplied by the block's scale product into
/// a float accumulator, and the 8 (or 16) lanes are summed once per output, as llama.cpp's AVX2 loop does. Four
/// activation rows (a short prompt) share every weight load; two accumulators per row hide the FMA latency.
/// </para>
/// </remarks>
internal static unsafe class GemmQ8_0Dot
{
    /// <summary>Bytes of one Q8_0 block: an F16 scale and 32 signed bytes.</summary>
    public const int BlockBytes = 34;

    /// <summary>Values per block.</summary>
    public const int Block = 32;

    /// <summary>Writes <c>c[r, n] = dot + beta · c[r, n]</c> for one or four rows and every n in range, on <paramref name="path"/>.</summary>
    public static void Run(Q8_0Path path, in GemmQ8_0Operands o, int row, int rows, int n0, int n1)
    {
        switch (path)
        {
            case Q8_0Path.Avx512:
                if (rows == 4)
                {
                    Rows4Avx512(o, row, n0, n1);
                }
                else
                {
                    Rows1Avx512(o, row, n0, n1);
                }
                break;
            case Q8_0Path.AvxVnni:
                if (rows == 4)
                {
                    Rows4<DotAvxVnni>(o, row, n0, n1);
                }
                else
                {
                    Rows1<DotAvxVnni>(o, row, n0, n1);
                }
                break;
            case Q8_0Path.Avx2:
                if (rows == 4)
                {
                    Rows4<DotAvx2>(o, row, n0, n1);
                }
                else
                {
                    Rows1<DotAvx2>(o, row, n0, n1);
                }
                break;
            default:
                for (int r = row; r < row + rows; r++)
                {
                    Rows1Portable(o, r, n0, n1);
                }
                break;
        }
    }

    /// <summary>The block's F16 scale as float32, looked up in <paramref name="table"/> (<see cref="Q8_0Scale.Table"/>).</summary>
    /// <remarks>
    /// Each kernel reads the table's address once, before its loops: a static field read inside a loop can keep the
    /// class-initialization check (a possible call) in it, and any call in the loop makes the JIT spill the accumulators.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Scale(float* table, byte* block) => table[Unsafe.ReadUnaligned<ushort>(block)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(in GemmQ8_0Operands o, int r, int n, float sum)
    {
        float* c = o.C + (long)r * o.Ldc + n;
        *c = o.Beta == 0f ? sum : sum + o.Beta * *c;
    }

    private static void Rows1<TDot>(in GemmQ8_0Operands o, int r, int n0, int n1)
        where TDot : struct, IDot256
    {
        float* table = Q8_0Scale.Table;
        int blocks = o.Blocks;
        sbyte* a = o.Activations + (long)r * o.K;
        float* da = o.ActivationScales + (long)r * blocks;
        for (int n = n0; n < n1; n++)
        {
            // Pointers walk the row and the activations (no multiply per block); two accumulators hide the FMA latency.
            byte* block = o.Weights + (long)n * o.RowBytes;
            byte* pairsEnd = block + (blocks & ~1) * BlockBytes;
            sbyte* x = a;
            float* d = da;
            Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero;
            for (; block < pairsEnd; block += 2 * BlockBytes, x += 2 * Block, d += 2)
            {
                acc0 = Block256<TDot>(table, block, x, d[0], acc0);
                acc1 = Block256<TDot>(table, block + BlockBytes, x + Block, d[1], acc1);
            }
            if ((blocks & 1) != 0)
            {
                acc0 = Block256<TDot>(table, block, x, d[0], acc0);
            }
            Store(o, r, n, Vector256.Sum(acc0 + acc1));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Block256<TDot>(float* table, byte* block, sbyte* a, float da, Vector256<float> acc)
        where TDot : struct, IDot256
    {
        Vector256<sbyte> w = Vector256.Load((sbyte*)(block + 2));
        Vector256<int> p = TDot.Dot(Avx2.Abs(w), Avx2.Sign(Vector256.Load(a), w));
        return Fma.MultiplyAdd(Vector256.Create(Scale(table, block) * da), Avx.ConvertToVector256Single(p), acc);
    }

    private static void Rows4<TDot>(in GemmQ8_0Operands o, int r, int n0, int n1)
        where TDot : struct, IDot256
    {
        float* table = Q8_0Scale.Table;
        int blocks = o.Blocks, k = o.K;
        sbyte* a0 = o.Activations + (long)r * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        float* d0 = o.ActivationScales + (long)r * blocks, d1 = d0 + blocks, d2 = d1 + blocks, d3 = d2 + blocks;
        for (int n = n0; n < n1; n++)
        {
            byte* row = o.Weights + (long)n * o.RowBytes;
            Vector256<float> acc0 = Vector256<float>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
            for (int b = 0; b < blocks; b++)
            {
                byte* block = row + b * BlockBytes;
                Vector256<sbyte> w = Vector256.Load((sbyte*)(block + 2));
                Vector256<byte> magnitude = Avx2.Abs(w);
                float dw = Scale(table, block);
                int offset = b * Block;
                acc0 = Fma.MultiplyAdd(Vector256.Create(dw * d0[b]), Avx.ConvertToVector256Single(TDot.Dot(magnitude, Avx2.Sign(Vector256.Load(a0 + offset), w))), acc0);
                acc1 = Fma.MultiplyAdd(Vector256.Create(dw * d1[b]), Avx.ConvertToVector256Single(TDot.Dot(magnitude, Avx2.Sign(Vector256.Load(a1 + offset), w))), acc1);
                acc2 = Fma.MultiplyAdd(Vector256.Create(dw * d2[b]), Avx.ConvertToVector256Single(TDot.Dot(magnitude, Avx2.Sign(Vector256.Load(a2 + offset), w))), acc2);
                acc3 = Fma.MultiplyAdd(Vector256.Create(dw * d3[b]), Avx.ConvertToVector256Single(TDot.Dot(magnitude, Avx2.Sign(Vector256.Load(a3 + offset), w))), acc3);
            }
            Store(o, r, n, Vector256.Sum(acc0));
            Store(o, r + 1, n, Vector256.Sum(acc1));
            Store(o, r + 2, n, Vector256.Sum(acc2));
            Store(o, r + 3, n, Vector256.Sum(acc3));
        }
    }

    /// <summary>Two blocks per 512-bit step: their 32-byte halves joined into one register, lanes 0-7 and 8-15 scaled apart.</summary>
    private static void Rows1Avx512(in GemmQ8_0Operands o, int r, int n0, int n1)
    {
        float* table = Q8_0Scale.Table;
        int blocks = o.Blocks;
        sbyte* a = o.Activations + (long)r * o.K;
        float* da = o.ActivationScales + (long)r * blocks;
        for (int n = n0; n < n1; n++)
        {
            byte* row = o.Weights + (long)n * o.RowBytes;
            Vector512<float> acc = Vector512<float>.Zero;
            int b = 0;
            for (; b + 1 < blocks; b += 2)
            {
                byte* block = row + b * BlockBytes;
                Vector512<sbyte> w = Pair(block);
                Vector512<int> p = Dot512(w, Vector512.Load(a + b * Block));
                Vector512<float> d = Vector512.Create(Vector256.Create(Scale(table, block) * da[b]), Vector256.Create(Scale(table, block + BlockBytes) * da[b + 1]));
                acc = Avx512F.FusedMultiplyAdd(d, Avx512F.ConvertToVector512Single(p), acc);
            }
            Vector256<float> tail = Vector256<float>.Zero;
            if (b < blocks)
            {
                tail = Block256<DotAvx2>(table, row + b * BlockBytes, a + b * Block, da[b], tail);
            }
            Store(o, r, n, Vector512.Sum(acc) + Vector256.Sum(tail));
        }
    }

    private static void Rows4Avx512(in GemmQ8_0Operands o, int r, int n0, int n1)
    {
        float* table = Q8_0Scale.Table;
        int blocks = o.Blocks, k = o.K;
        sbyte* a0 = o.Activations + (long)r * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        float* d0 = o.ActivationScales + (long)r * blocks, d1 = d0 + blocks, d2 = d1 + blocks, d3 = d2 + blocks;
        for (int n = n0; n < n1; n++)
        {
            byte* row = o.Weights + (long)n * o.RowBytes;
            Vector512<float> acc0 = Vector512<float>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
            int b = 0;
            for (; b + 1 < blocks; b += 2)
            {
                byte* block = row + b * BlockBytes;
                Vector512<sbyte> w = Pair(block);
                Vector512<byte> magnitude = Avx512BW.Abs(w);
                Vector512<sbyte> negative = Vector512.LessThan(w, Vector512<sbyte>.Zero);
                float s0 = Scale(table, block), s1 = Scale(table, block + BlockBytes);
                int offset = b * Block;
                acc0 = Step512(magnitude, negative, a0 + offset, s0 * d0[b], s1 * d0[b + 1], acc0);
                acc1 = Step512(magnitude, negative, a1 + offset, s0 * d1[b], s1 * d1[b + 1], acc1);
                acc2 = Step512(magnitude, negative, a2 + offset, s0 * d2[b], s1 * d2[b + 1], acc2);
                acc3 = Step512(magnitude, negative, a3 + offset, s0 * d3[b], s1 * d3[b + 1], acc3);
            }
            Vector256<float> t0 = Vector256<float>.Zero, t1 = t0, t2 = t0, t3 = t0;
            if (b < blocks)
            {
                byte* block = row + b * BlockBytes;
                int offset = b * Block;
                t0 = Block256<DotAvx2>(table, block, a0 + offset, d0[b], t0);
                t1 = Block256<DotAvx2>(table, block, a1 + offset, d1[b], t1);
                t2 = Block256<DotAvx2>(table, block, a2 + offset, d2[b], t2);
                t3 = Block256<DotAvx2>(table, block, a3 + offset, d3[b], t3);
            }
            Store(o, r, n, Vector512.Sum(acc0) + Vector256.Sum(t0));
            Store(o, r + 1, n, Vector512.Sum(acc1) + Vector256.Sum(t1));
            Store(o, r + 2, n, Vector512.Sum(acc2) + Vector256.Sum(t2));
            Store(o, r + 3, n, Vector512.Sum(acc3) + Vector256.Sum(t3));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<sbyte> Pair(byte* block) =>
        Vector512.Create(Vector256.Load((sbyte*)(block + 2)), Vector256.Load((sbyte*)(block + BlockBytes + 2)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Dot512(Vector512<sbyte> w, Vector512<sbyte> a)
    {
        Vector512<sbyte> signed = Vector512.ConditionalSelect(Vector512.LessThan(w, Vector512<sbyte>.Zero), -a, a);
        return Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(Avx512BW.Abs(w), signed), Vector512.Create((short)1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Step512(Vector512<byte> magnitude, Vector512<sbyte> negative, sbyte* a, float scale0, float scale1, Vector512<float> acc)
    {
        Vector512<sbyte> x = Vector512.Load(a);
        Vector512<sbyte> signed = Vector512.ConditionalSelect(negative, -x, x);
        Vector512<int> p = Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(magnitude, signed), Vector512.Create((short)1));
        Vector512<float> d = Vector512.Create(Vector256.Create(scale0), Vector256.Create(scale1));
        return Avx512F.FusedMultiplyAdd(d, Avx512F.ConvertToVector512Single(p), acc);
    }

    /// <summary>Any CPU: each block's integer sum from widening multiplies, then one scalar multiply-add per block.</summary>
    private static void Rows1Portable(in GemmQ8_0Operands o, int r, int n0, int n1)
    {
        float* table = Q8_0Scale.Table;
        int blocks = o.Blocks;
        sbyte* a = o.Activations + (long)r * o.K;
        float* da = o.ActivationScales + (long)r * blocks;
        for (int n = n0; n < n1; n++)
        {
            byte* row = o.Weights + (long)n * o.RowBytes;
            float acc = 0f;
            for (int b = 0; b < blocks; b++)
            {
                byte* block = row + b * BlockBytes;
                acc = MathF.FusedMultiplyAdd(Scale(table, block) * da[b], BlockSum((sbyte*)(block + 2), a + b * Block), acc);
            }
            Store(o, r, n, acc);
        }
    }

    /// <summary>The exact integer dot product of one block (at most 32 · 127², well inside float32's exact integers).</summary>
    internal static int BlockSum(sbyte* w, sbyte* a)
    {
        if (Vector.IsHardwareAccelerated && Vector<sbyte>.Count <= Block)
        {
            Vector<int> sum = Vector<int>.Zero;
            for (int i = 0; i < Block; i += Vector<sbyte>.Count)
            {
                Vector.Widen(Vector.Load(w + i), out Vector<short> wLow, out Vector<short> wHigh);
                Vector.Widen(Vector.Load(a + i), out Vector<short> aLow, out Vector<short> aHigh);
                // |w · a| <= 127² fits 16 bits; the widening adds give the 32-bit sums.
                Vector.Widen(wLow * aLow, out Vector<int> p0, out Vector<int> p1);
                Vector.Widen(wHigh * aHigh, out Vector<int> p2, out Vector<int> p3);
                sum += p0 + p1 + p2 + p3;
            }
            return Vector.Sum(sum);
        }
        int total = 0;
        for (int i = 0; i < Block; i++)
        {
            total += w[i] * a[i];
        }
        return total;
    }

    /// <summary>One block's 32 signed products summed into 8 lanes of 4.</summary>
    internal interface IDot256
    {
        static abstract Vector256<int> Dot(Vector256<byte> magnitude, Vector256<sbyte> signedActivation);
    }

    /// <summary><c>vpmaddubsw</c> (pairs into 16 bits) then <c>vpmaddwd</c> by ones (pairs into 32 bits).</summary>
    internal readonly struct DotAvx2 : IDot256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Dot(Vector256<byte> magnitude, Vector256<sbyte> signedActivation) =>
            Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(magnitude, signedActivation), Vector256.Create((short)1));
    }

    /// <summary>One <c>vpdpbusd</c>: four products summed into each 32-bit lane.</summary>
    internal readonly struct DotAvxVnni : IDot256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Dot(Vector256<byte> magnitude, Vector256<sbyte> signedActivation) =>
            AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, magnitude, signedActivation);
    }
}

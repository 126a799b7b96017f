using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParameterKit.Kernels;

/// <summary>
/// The handful of vector operations the matrix-vector kernels need, one implementation per
/// <see cref="GemmPath"/>. Kernels are generic over a struct implementing this, so the JIT emits one
/// specialised copy per instruction set with every call inlined.
/// </summary>
/// <typeparam name="TVector">The vector type (<see cref="Vector512{T}"/>, <see cref="Vector256{T}"/> or <see cref="Vector{T}"/>).</typeparam>
internal unsafe interface IGemmVectorOps<TVector>
    where TVector : struct
{
    static abstract int Count { get; }

    static abstract TVector Zero { get; }

    static abstract TVector Load(float* source);

    static abstract void Store(TVector value, float* destination);

    static abstract TVector Broadcast(float value);

    /// <summary><c>a * b + c</c>, fused where the path has an FMA instruction.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract float Sum(TVector value);

    /// <summary>The horizontal sums of four vectors at once, as (sum a, sum b, sum c, sum d).</summary>
    static abstract Vector128<float> Sum4(TVector a, TVector b, TVector c, TVector d);

    /// <summary>The horizontal sums of eight vectors at once, in order.</summary>
    static abstract Vector256<float> Sum8(TVector a, TVector b, TVector c, TVector d, TVector e, TVector f, TVector g, TVector h);
}

/// <summary>AVX-512 operations for the matrix-vector kernels.</summary>
internal readonly unsafe struct GemmVectorOps512 : IGemmVectorOps<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, float* destination) => Vector512.Store(value, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        // Per 128-bit lane, interleave-and-add pairs, then pairs of pairs: each lane ends holding partial sums of
        // (a, b, c, d); folding the four lanes gives the totals. Nine single-uop shuffles and adds plus the fold,
        // fewer than four separate reductions and no horizontal adds (microcoded-slow on AMD).
        Vector512<float> ab = Avx512F.UnpackLow(a, b) + Avx512F.UnpackHigh(a, b);
        Vector512<float> cd = Avx512F.UnpackLow(c, d) + Avx512F.UnpackHigh(c, d);
        Vector512<float> abcd = Avx512F.Shuffle(ab, cd, 0x44) + Avx512F.Shuffle(ab, cd, 0xEE);
        Vector256<float> half = abcd.GetLower() + abcd.GetUpper();
        return half.GetLower() + half.GetUpper();
    }

    /// <remarks>Each vector folded to 256 bits first, then the 256-bit reduction.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sum8(
        Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d,
        Vector512<float> e, Vector512<float> f, Vector512<float> g, Vector512<float> h) =>
        GemmVectorOps256.Sum8(
            a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper(),
            e.GetLower() + e.GetUpper(), f.GetLower() + f.GetUpper(), g.GetLower() + g.GetUpper(), h.GetLower() + h.GetUpper());
}

/// <summary>AVX2 + FMA3 operations for the matrix-vector kernels.</summary>
internal readonly unsafe struct GemmVectorOps256 : IGemmVectorOps<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, float* destination) => Vector256.Store(value, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value) => Vector256.Sum(value);

    /// <remarks>Interleave-and-add within 128-bit lanes, then fold the two lanes (see the 512-bit version).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        Vector256<float> ab = Avx.UnpackLow(a, b) + Avx.UnpackHigh(a, b);
        Vector256<float> cd = Avx.UnpackLow(c, d) + Avx.UnpackHigh(c, d);
        Vector256<float> abcd = Avx.Shuffle(ab, cd, 0x44) + Avx.Shuffle(ab, cd, 0xEE);
        return abcd.GetLower() + abcd.GetUpper();
    }

    /// <remarks>
    /// Two <see cref="Sum4"/> reductions stopped before their folds, then one joint fold: lane pairs
    /// (low of abcd, low of efgh) and (high, high) added gives all eight totals in 21 single-cycle operations.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sum8(
        Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d,
        Vector256<float> e, Vector256<float> f, Vector256<float> g, Vector256<float> h)
    {
        Vector256<float> ab = Avx.UnpackLow(a, b) + Avx.UnpackHigh(a, b);
        Vector256<float> cd = Avx.UnpackLow(c, d) + Avx.UnpackHigh(c, d);
        Vector256<float> ef = Avx.UnpackLow(e, f) + Avx.UnpackHigh(e, f);
        Vector256<float> gh = Avx.UnpackLow(g, h) + Avx.UnpackHigh(g, h);
        Vector256<float> abcd = Avx.Shuffle(ab, cd, 0x44) + Avx.Shuffle(ab, cd, 0xEE);
        Vector256<float> efgh = Avx.Shuffle(ef, gh, 0x44) + Avx.Shuffle(ef, gh, 0xEE);
        return Avx.Permute2x128(abcd, efgh, 0x20) + Avx.Permute2x128(abcd, efgh, 0x31);
    }
}

/// <summary>Portable <see cref="Vector{T}"/> operations for the matrix-vector kernels.</summary>
internal readonly unsafe struct GemmVectorOpsPortable : IGemmVectorOps<Vector<float>>
{
    public static int Count => Vector<float>.Count;

    public static Vector<float> Zero => Vector<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Load(float* source) => Vector.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector<float> value, float* destination) => Vector.Store(value, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Broadcast(float value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> MultiplyAdd(Vector<float> a, Vector<float> b, Vector<float> c) => Vector.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Add(Vector<float> a, Vector<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Multiply(Vector<float> a, Vector<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector<float> value) => Vector.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector<float> a, Vector<float> b, Vector<float> c, Vector<float> d) =>
        Vector128.Create(Vector.Sum(a), Vector.Sum(b), Vector.Sum(c), Vector.Sum(d));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sum8(
        Vector<float> a, Vector<float> b, Vector<float> c, Vector<float> d,
        Vector<float> e, Vector<float> f, Vector<float> g, Vector<float> h) =>
        Vector256.Create(Sum4(a, b, c, d), Sum4(e, f, g, h));
}

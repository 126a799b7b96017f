using System.Runtime.CompilerServices;

namespace ParameterKit.Kernels;

/// <summary>
/// Widens half-precision weights (bf16 or IEEE f16 bit patterns) to float32 in registers, one implementation per
/// <see cref="GemmPath"/> and storage type. The half-precision matrix-vector kernels are generic over it, so the JIT
/// emits one specialised copy per (instruction set, storage type) with the widening inlined next to the FMAs.
/// </summary>
/// <remarks>
/// Widening is exact for both types (every bf16 and f16 value is a float32 value), so every path computes the same
/// products as a float32 GEMM over the upcast matrix; only the order of additions differs between paths.
/// </remarks>
/// <typeparam name="TVector">The float vector type of the path.</typeparam>
internal unsafe interface IGemmHalfWiden<TVector>
    where TVector : struct
{
    /// <summary>
    /// Widens the first <c>Count</c> of the <c>2 * Count</c> values at <paramref name="source"/> (unaligned is fine).
    /// The two halves are separate calls returning values, not one call with two <c>out</c> vectors: an <c>out</c>
    /// vector is address-taken, and the JIT then keeps it in memory instead of a register, which measured about half
    /// the speed in the matrix-vector kernels.
    /// </summary>
    static abstract TVector Low(ushort* source);

    /// <summary>Widens values <c>Count</c> .. <c>2 * Count - 1</c> at <paramref name="source"/>.</summary>
    static abstract TVector High(ushort* source);

    /// <summary>
    /// The values at even indices (0, 2, .., 2 * Count - 2) of the <c>2 * Count</c> at <paramref name="source"/>.
    /// With <see cref="Odd"/> it widens the same values as <see cref="Low"/> and <see cref="High"/> in another order,
    /// for fewer instructions: one full-width load read as 32-bit lanes, each lane holding an (even, odd) pair, so bf16
    /// needs one shift or one mask per vector and no zero-extension. A dot product pairs them with x deinterleaved the
    /// same way (<see cref="GemmVectorHalf.Dot"/>).
    /// </summary>
    static abstract TVector Even(ushort* source);

    /// <summary>The values at odd indices (1, 3, .., 2 * Count - 1) of the <c>2 * Count</c> at <paramref name="source"/>.</summary>
    static abstract TVector Odd(ushort* source);

    /// <summary>One value, for the tails shorter than two vectors. Always exact (the value itself, whatever <see cref="InputScale"/> is).</summary>
    static abstract float ToSingle(ushort bits);

    /// <summary>
    /// What the kernels multiply x by before pairing it with this widening's vectors: 1 for a widening that gives the
    /// values themselves (this default), 2^112 for one that gives them times 2^-112 (<see cref="GemmFloat16FiniteBits"/>),
    /// so that each product is the true one. A constant the JIT folds, so the default costs nothing.
    /// </summary>
    static virtual float InputScale => 1f;

    /// <summary>
    /// Folds the <c>2 * Count</c> stored halves at <paramref name="source"/> (the block <see cref="Low"/> and
    /// <see cref="High"/>, or <see cref="Even"/> and <see cref="Odd"/>, widen) into <paramref name="watch"/> (start from
    /// zero), for a widening that is exact only on finite values (<see cref="GemmWidenFloat16FiniteAvx512"/>): after a
    /// loop, <see cref="SawNonFinite"/> tells whether any of them was an infinity or a NaN, and the kernel then redoes
    /// that part with an exact widening. The watch reads the stored bits, not the widened floats, because there the test
    /// is two integer instructions per <c>2 * Count</c> values where the widened floats need two per <c>Count</c>
    /// (<see cref="GemmFloat16FiniteBits.Doubled(System.Runtime.Intrinsics.Vector256{float}, ushort*)"/>). Exact
    /// widenings keep this default, which returns <paramref name="watch"/> unchanged and which the JIT removes with the
    /// call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TVector Watch(TVector watch, ushort* source) => watch;

    /// <summary>Whether the values folded into <paramref name="watch"/> included an infinity or a NaN (by default, for an exact widening, never).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual bool SawNonFinite(TVector watch) => false;
}

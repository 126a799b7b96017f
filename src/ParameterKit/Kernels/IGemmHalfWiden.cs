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

    /// <summary>One value, for the tails shorter than two vectors.</summary>
    static abstract float ToSingle(ushort bits);
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ParameterKit.Kernels;

/// <summary>
/// The F16 scale at the head of a Q8_0 block, widened to float32 inside the dot-product loops. The runtime's
/// <see cref="Half"/> conversion is a call, and a call inside a vector loop costs far more than its own work: the
/// calling convention keeps no vector register across it, so the JIT spills every accumulator to the stack and reloads
/// it each block (the decoding kernels ran at 10 cycles per block, 13-15 GB/s, against 25-38 GB/s for a plain read).
/// Here the scale's exponent and mantissa move into float32 position and are rescaled by 2^112 (the difference of the
/// two exponent biases): one shift and one multiplication, exact for every normal and subnormal f16.
/// The dot-product loops go one step further and look the value up in <see cref="Table"/>, built from
/// <see cref="ToSingle"/> once: two instructions per block instead of a dozen, in loops that are bound by instruction
/// throughput rather than by memory.
/// </summary>
internal static unsafe class Q8_0Scale
{
    /// <summary>All 65,536 f16 patterns widened (256 KiB, pinned for the life of the process).</summary>
    private static readonly float[] TableArray = BuildTable();

    /// <summary>
    /// The float32 value of every f16 bit pattern, indexed by the pattern. A weight matrix's scales share a few
    /// exponents, so the entries one product touches stay in the L1 cache.
    /// </summary>
    public static readonly float* Table = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(TableArray));

    /// <summary>2^112 = 2^(127 - 15): float32's exponent bias less f16's.</summary>
    private const float BiasShift = 5.192296858534828e33f;

    /// <summary>The float32 value of the f16 bit pattern <paramref name="bits"/>, exactly.</summary>
    /// <remarks>
    /// Infinities and NaN (exponent all ones, which no quantizer writes) come out of the rescaling as a finite number
    /// with exponent 2^16; OR-ing float32's all-ones exponent over it gives back the infinity, or a NaN with the same
    /// mantissa bits. The test is false for every scale a quantizer writes, so it costs a predicted branch at most, and
    /// no call is left in a loop that inlines this.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits)
    {
        float magnitude = BitConverter.UInt32BitsToSingle((uint)(bits & 0x7FFF) << 13) * BiasShift;
        uint special = (bits & 0x7C00) == 0x7C00 ? 0x7F800000u : 0u;
        uint sign = (uint)(bits & 0x8000) << 16;
        return BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(magnitude) | special | sign);
    }

    private static float[] BuildTable()
    {
        float[] table = GC.AllocateUninitializedArray<float>(65536, pinned: true);
        for (int bits = 0; bits < table.Length; bits++)
        {
            table[bits] = ToSingle((ushort)bits);
        }
        return table;
    }
}

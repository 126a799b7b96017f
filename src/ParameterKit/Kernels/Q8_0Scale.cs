using System.Runtime.CompilerServices;

namespace ParameterKit.Kernels;

/// <summary>
/// The F16 scale at the head of a Q8_0 block, widened to float32 inside the dot-product loops. The runtime's
/// <see cref="Half"/> conversion is a software routine with branches for every class of value; here the scale's
/// exponent and mantissa are moved into float32 position and rescaled by 2^112 (the difference of the two exponent
/// biases), one shift and one multiplication that are exact for every normal and subnormal f16. Infinities and NaN,
/// which no quantizer writes, take the runtime's conversion so they stay what they are.
/// </summary>
internal static class Q8_0Scale
{
    /// <summary>2^112 = 2^(127 - 15): float32's exponent bias less f16's.</summary>
    private const float BiasShift = 5.192296858534828e33f;

    /// <summary>The float32 value of the f16 bit pattern <paramref name="bits"/>, exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits)
    {
        if ((bits & 0x7C00) == 0x7C00)
        {
            return (float)BitConverter.UInt16BitsToHalf(bits);
        }
        float magnitude = BitConverter.UInt32BitsToSingle((uint)(bits & 0x7FFF) << 13) * BiasShift;
        return BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(magnitude) | ((uint)(bits & 0x8000) << 16));
    }
}

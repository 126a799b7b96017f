using FsCheck;
using FsCheck.Fluent;

namespace ParameterKit.Tests.Kernels.Numerics;

/// <summary>Inputs for the numerics properties: row lengths around the vector width, and values over a chosen range.</summary>
internal static class NumericsGenerators
{
    /// <summary>0, 1, lengths just below, at and above multiples of eight (the vector width), and up to 300.</summary>
    public static Gen<int> Lengths => Gen.Frequency(
        (1, Gen.Constant(0)),
        (1, Gen.Constant(1)),
        (4, Gen.Elements(7, 8, 9, 15, 16, 17, 31, 33, 63, 65)),
        (6, Gen.Choose(2, 300)));

    /// <summary>A row of <see cref="Lengths"/> values, uniform in [-scale, scale], from a seed (so a failure replays).</summary>
    public static Gen<float[]> Rows(float scale) =>
        from n in Lengths
        from seed in Gen.Choose(0, int.MaxValue)
        select Uniform(n, seed, scale);

    public static float[] Uniform(int n, int seed, float scale)
    {
        var random = new Random(seed);
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        }
        return values;
    }

    /// <summary>Every element has the same bits (so −0 and +0 differ, as they would in a checkpoint).</summary>
    public static void AssertSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(SameBits(expected[i], actual[i]), $"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R} bit for bit");
        }
    }

    /// <summary>Bit-for-bit equality, with any NaN equal to any NaN (payloads are not part of the contract).</summary>
    public static bool SameBits(float a, float b) =>
        (float.IsNaN(a) && float.IsNaN(b)) || BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b);
}

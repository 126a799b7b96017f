using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using ParameterKit.Kernels.Numerics;

namespace ParameterKit.Tests.Kernels.Numerics;

/// <summary>
/// The library's one exponential against <see cref="Math.Exp"/> in double, and its vector form against its scalar
/// form bit for bit. Tolerance: 2 ulp of float (relative 2.4e-7) where the result is normal; in the subnormal range
/// the spacing is fixed at 2⁻¹⁴⁹, so two of those.
/// </summary>
public sealed class ExponentialTests
{
    private const double Ulp = 1.0 / (1 << 23);
    private static readonly double SmallestSubnormal = Math.Pow(2, -149);

    [Property(MaxTest = 300)]
    public Property Matches_double_exp_within_two_ulp() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).Select(s => NumericsGenerators.Uniform(64, s, 110f)).ToArbitrary(), values =>
        {
            var fast = new float[values.Length];
            Exponential.Exp(values, fast);
            for (int i = 0; i < values.Length; i++)
            {
                double exact = Math.Exp(values[i]);
                double tolerance = exact > float.MaxValue ? 0 : 2 * Ulp * exact + 2 * SmallestSubnormal;
                if (exact > float.MaxValue ? !float.IsPositiveInfinity(fast[i]) : !(Math.Abs(fast[i] - exact) <= tolerance))
                {
                    return false.Label($"exp({values[i]:R}) = {fast[i]:R}, expected {exact:R}");
                }
            }
            return true.ToProperty();
        });

    [Property(MaxTest = 200)]
    public Property Vector_and_scalar_forms_agree_bit_for_bit_at_every_length() =>
        Prop.ForAll(NumericsGenerators.Rows(120f).ToArbitrary(), values =>
        {
            var vectorized = new float[values.Length];
            Exponential.Exp(values, vectorized);
            for (int i = 0; i < values.Length; i++)
            {
                if (!NumericsGenerators.SameBits(vectorized[i], Exponential.Exp(values[i])))
                {
                    return false.Label($"exp({values[i]:R}): span {vectorized[i]:R}, scalar {Exponential.Exp(values[i]):R}");
                }
            }
            return true.ToProperty();
        });

    [Fact]
    public void Special_values_and_the_edges_of_the_range()
    {
        float[] x = [0f, -0f, 1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 88.72f, 88.73f, -87.3f, -103f, -104.5f, 1e30f, -1e30f];
        var y = new float[x.Length + 8]; // long enough that the first eight go through the vector form too
        var padded = new float[y.Length];
        x.CopyTo(padded, 0);
        Exponential.Exp(padded, y);
        foreach (float[] results in new[] { y, x.Select(Exponential.Exp).ToArray() })
        {
            Assert.Equal(1f, results[0]);
            Assert.Equal(1f, results[1]);
            Assert.Equal((float)Math.E, results[2], 1e-6f);
            Assert.True(float.IsNaN(results[3]), "exp(NaN) is NaN");
            Assert.Equal(float.PositiveInfinity, results[4]);
            Assert.Equal(0f, results[5]);
            Assert.True(float.IsFinite(results[6]) && results[6] > 3.3e38f, $"exp(88.72) = {results[6]} is the largest finite range");
            Assert.Equal(float.PositiveInfinity, results[7]);
            Assert.Equal(Math.Exp(-87.3f), results[8], Math.Exp(-87.3f) * 3 * Ulp);
            Assert.True(results[9] > 0 && results[9] < 1.2e-38f, $"exp(-103) = {results[9]} is a subnormal");
            Assert.Equal(0f, results[10]);
            Assert.Equal(float.PositiveInfinity, results[11]);
            Assert.Equal(0f, results[12]);
        }
    }

    [Fact]
    public void A_partly_overlapping_destination_is_refused()
    {
        var buffer = new float[20];
        var e = Assert.Throws<ArgumentException>(() => Exponential.Exp(buffer.AsSpan(0, 16), buffer.AsSpan(2, 16)));
        Assert.Contains("offset of 2", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Exponential.Exp(new float[3], new float[4]));
    }
}

namespace ParameterKit.Parameters.Initializers;

/// <summary>
/// A rule that fills a parameter's initial values. Instances are immutable descriptions; the randomness comes
/// from the seed passed to <see cref="Fill(Span{float}, FanInfo, ulong)"/>, so the same seed always gives
/// bit-identical values. Create them through <see cref="Init"/>.
/// </summary>
public abstract class Initializer
{
    /// <summary>Prevents subclasses outside this library: <see cref="Init"/> lists every scheme.</summary>
    private protected Initializer()
    {
    }

    /// <summary>A short description with the resolved numbers, for example <c>normal(0, 0.02)</c>.</summary>
    public abstract override string ToString();

    /// <summary>Whether every value this initializer writes is the same constant (zeros, ones, one value).</summary>
    /// <remarks>A Weight that starts constant never breaks symmetry: every output unit learns the same thing.</remarks>
    public virtual bool IsConstant => false;

    /// <summary>Fills <paramref name="values"/> using a generator seeded with <paramref name="seed"/>.</summary>
    /// <param name="values">The values to overwrite.</param>
    /// <param name="fans">Fan-in and fan-out of the parameter (used by Xavier and Kaiming).</param>
    /// <param name="seed">The seed; the same seed gives bit-identical values on every run and machine.</param>
    public void Fill(Span<float> values, FanInfo fans, ulong seed)
    {
        var random = new SeededRandom(seed);
        Fill(values, fans, ref random);
    }

    /// <summary>Fills <paramref name="values"/> with a seed drawn from <paramref name="random"/>.</summary>
    /// <param name="values">The values to overwrite.</param>
    /// <param name="fans">Fan-in and fan-out of the parameter (used by Xavier and Kaiming).</param>
    /// <param name="random">The source of the seed; one 64-bit draw is consumed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    public void Fill(Span<float> values, FanInfo fans, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Fill(values, fans, (ulong)random.NextInt64(long.MinValue, long.MaxValue));
    }

    internal abstract void Fill(Span<float> values, FanInfo fans, ref SeededRandom random);
}

namespace ParameterKit.Parameters.Initializers;

/// <summary>
/// Xavier/Glorot and Kaiming/He: zero-mean draws whose standard deviation follows from the parameter's fans,
/// so that activations (Kaiming, fan-in) or activations and gradients on average (Xavier) keep unit scale.
/// A uniform draw on [-b, b] has standard deviation b / √3, so the uniform bound is √3 · std.
/// </summary>
internal sealed class VarianceScalingInitializer : Initializer
{
    private readonly string _name;
    private readonly Func<FanInfo, double> _std;

    public VarianceScalingInitializer(string name, bool uniform, Func<FanInfo, double> std)
    {
        _name = name;
        Uniform = uniform;
        _std = std;
    }

    public bool Uniform { get; }

    /// <summary>The standard deviation this scheme gives for <paramref name="fans"/>.</summary>
    public double StandardDeviation(FanInfo fans)
    {
        if (fans.FanIn <= 0 || fans.FanOut <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fans), fans, $"{_name} needs positive fan-in and fan-out.");
        }
        return _std(fans);
    }

    public override string ToString() => _name;

    internal override void Fill(Span<float> values, FanInfo fans, ref SeededRandom random)
    {
        double std = StandardDeviation(fans);
        if (Uniform)
        {
            double bound = Math.Sqrt(3.0) * std;
            UniformInitializer.FillUniform(values, -bound, bound, ref random);
        }
        else
        {
            NormalInitializer.FillNormal(values, 0, std, ref random);
        }
    }
}

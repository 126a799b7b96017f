namespace ParameterKit.Parameters.Initializers;

/// <summary>Every value set to one constant (zeros for biases, ones for norm gains).</summary>
internal sealed class ConstantInitializer(float value) : Initializer
{
    public float Value { get; } = value;

    public override bool IsConstant => true;

    public override string ToString() => Value switch
    {
        0f => "zeros",
        1f => "ones",
        _ => FormattableString.Invariant($"constant({Value})"),
    };

    internal override void Fill(Span<float> values, FanInfo fans, ref SeededRandom random) => values.Fill(Value);
}

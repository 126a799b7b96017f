using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.Counting;

/// <summary>
/// Exact parameter counts: the total, split into trainable and frozen, and by kind. Tied parameters are
/// counted once. A plain value: computing it allocates nothing.
/// </summary>
/// <param name="Embedding">Values in <see cref="ParameterKind.Embedding"/> tables.</param>
/// <param name="Weight">Values in <see cref="ParameterKind.Weight"/> matrices.</param>
/// <param name="Bias">Values in <see cref="ParameterKind.Bias"/> vectors.</param>
/// <param name="NormGain">Values in <see cref="ParameterKind.NormGain"/> vectors.</param>
/// <param name="Trainable">Values the optimizer updates.</param>
/// <param name="Tensors">How many distinct parameter tensors were counted.</param>
public readonly record struct ParameterCounts(long Embedding, long Weight, long Bias, long NormGain, long Trainable, int Tensors)
{
    /// <summary>Values in <see cref="ParameterKind.Adapter"/> matrices (LoRA's A and B), counted apart from the model's weights.</summary>
    public long Adapter { get; init; }

    /// <summary>Every value, each counted once.</summary>
    public long Total => Embedding + Weight + Bias + NormGain + Adapter;

    /// <summary>Values that are frozen (counted and saved, but not updated).</summary>
    public long Frozen => Total - Trainable;

    /// <summary>The count for one kind.</summary>
    /// <param name="kind">The kind.</param>
    public long Of(ParameterKind kind) => kind switch
    {
        ParameterKind.Embedding => Embedding,
        ParameterKind.Weight => Weight,
        ParameterKind.Bias => Bias,
        ParameterKind.NormGain => NormGain,
        ParameterKind.Adapter => Adapter,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown parameter kind."),
    };

    /// <summary>Bytes needed to hold every value as <paramref name="dtype"/> (f32: 4 per value, bf16: 2, F4: ½).</summary>
    /// <param name="dtype">The storage type.</param>
    /// <exception cref="OverflowException">The byte count does not fit in a <see cref="long"/>.</exception>
    // ceil(Total x bits / 8) without forming Total x bits, which overflows long before the bytes do.
    public long BytesAs(DType dtype) => checked(Total / 8 * dtype.BitSize() + (Total % 8 * dtype.BitSize() + 7) / 8);

    /// <summary>Adds one parameter.</summary>
    internal ParameterCounts Add(ParameterKind kind, long count, bool trainable) => this with
    {
        Embedding = Embedding + (kind == ParameterKind.Embedding ? count : 0),
        Weight = Weight + (kind == ParameterKind.Weight ? count : 0),
        Bias = Bias + (kind == ParameterKind.Bias ? count : 0),
        NormGain = NormGain + (kind == ParameterKind.NormGain ? count : 0),
        Adapter = Adapter + (kind == ParameterKind.Adapter ? count : 0),
        Trainable = Trainable + (trainable ? count : 0),
        Tensors = Tensors + 1,
    };

    /// <summary>Sums two counts.</summary>
    /// <param name="left">First count.</param>
    /// <param name="right">Second count.</param>
    public static ParameterCounts operator +(ParameterCounts left, ParameterCounts right) => new(
        left.Embedding + right.Embedding, left.Weight + right.Weight, left.Bias + right.Bias,
        left.NormGain + right.NormGain, left.Trainable + right.Trainable, left.Tensors + right.Tensors)
    {
        Adapter = left.Adapter + right.Adapter,
    };

    /// <summary>
    /// The line Hugging Face PEFT's <c>print_trainable_parameters()</c> prints, digit for digit:
    /// <c>trainable params: 294,912 || all params: 124,734,720 || trainable%: 0.2364</c> (GPT-2 with LoRA r = 8 on
    /// <c>c_attn</c>): thousands separated by commas, the share in percent to four decimals.
    /// </summary>
    /// <returns>The line, without a newline.</returns>
    public string ToTrainableLine() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"trainable params: {Trainable:N0} || all params: {Total:N0} || trainable%: {(Total == 0 ? 0 : 100.0 * Trainable / Total):F4}");
}

using ParameterKit.Parameters;
using ParameterKit.Parameters.Initializers;

namespace ParameterKit.Modules;

/// <summary>
/// Inverted dropout: in training mode each value is zeroed with probability <see cref="Probability"/> and the
/// survivors are scaled by 1 / (1 - p), so evaluation (identity) sees the same expected activations.
/// </summary>
/// <remarks>
/// The mask is a pure function of the seed and a call counter, never of a hidden global generator, so runs are
/// reproducible; the backward pass regenerates the mask of the last forward call instead of storing it.
/// </remarks>
public sealed class Dropout : ElementwiseLayer
{
    private readonly ulong _seed;

    /// <summary>Declares a dropout layer.</summary>
    /// <param name="scope">Where the layer lives.</param>
    /// <param name="probability">p in [0, 1): the chance each value is dropped.</param>
    /// <param name="seed">Seed of the masks.</param>
    public Dropout(ParameterScope scope, float probability, ulong seed)
        : base(scope)
    {
        if (!(probability >= 0 && probability < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, $"Dropout probability at '{scope.Path}' must be in [0, 1).");
        }
        Probability = probability;
        _seed = seed;
    }

    /// <summary>The chance each value is dropped in training mode.</summary>
    public float Probability { get; }

    /// <summary>How many masks have been drawn (each training-mode forward call draws one).</summary>
    public ulong Calls { get; private set; }

    /// <inheritdoc />
    protected override void Apply(ReadOnlySpan<float> input, Span<float> output)
    {
        if (!IsTraining || Probability == 0)
        {
            input.CopyTo(output);
            return;
        }
        var random = new SeededRandom(_seed ^ (0x9E3779B97F4A7C15UL * ++Calls));
        float scale = 1f / (1f - Probability);
        for (int i = 0; i < input.Length; i++)
        {
            output[i] = random.NextDouble() < Probability ? 0f : input[i] * scale;
        }
    }
}

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
        var random = MaskRandom(++Calls);
        float scale = 1f / (1f - Probability);
        for (int i = 0; i < input.Length; i++)
        {
            output[i] = random.NextDouble() < Probability ? 0f : input[i] * scale;
        }
    }

    /// <inheritdoc />
    /// <remarks>Regenerates the mask of the last forward call from (seed, call counter): kept values pass the
    /// gradient scaled by 1 / (1 - p), dropped ones pass nothing.</remarks>
    protected override void ApplyBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        if (!IsTraining || Probability == 0)
        {
            outputGradient.CopyTo(inputGradient);
            return;
        }
        var random = MaskRandom(Calls);
        float scale = 1f / (1f - Probability);
        for (int i = 0; i < outputGradient.Length; i++)
        {
            inputGradient[i] = random.NextDouble() < Probability ? 0f : outputGradient[i] * scale;
        }
    }

    /// <summary>Restores the call counter (when resuming from a checkpoint), so later masks continue the sequence.</summary>
    /// <param name="calls">The counter saved with <see cref="Calls"/>.</param>
    public void RestoreCalls(ulong calls) => Calls = calls;

    private SeededRandom MaskRandom(ulong call) => new(_seed ^ (0x9E3779B97F4A7C15UL * call));
}

using ParameterKit.Models.Gpt2;

namespace ParameterKit.Transformers;

/// <summary>
/// How <see cref="Gpt2Generator"/> picks each next token from the model's logits z (length V).
/// </summary>
/// <remarks>
/// With <see cref="Temperature"/> τ = 0 the choice is greedy, <c>argmax z</c>. Otherwise tokens are drawn from
/// <c>p ∝ exp(z / τ)</c> restricted first to the <see cref="TopK"/> most likely tokens (when set), then to the smallest
/// set of most likely tokens whose probability reaches <see cref="TopP"/> (nucleus sampling, when below 1), and
/// renormalized. The draws come from a generator seeded with <see cref="Seed"/>, so a seed reproduces a sample.
/// </remarks>
public sealed record GenerationOptions
{
    /// <summary>The most tokens to generate (stop tokens and the end of the context end generation earlier). Default 128.</summary>
    public int MaxNewTokens { get; init; } = 128;

    /// <summary>τ: 0 for greedy decoding; otherwise logits are divided by τ before the softmax. Default 1.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Sample only among the k most likely tokens; 0 (the default) for no limit.</summary>
    public int TopK { get; init; }

    /// <summary>Sample only within the most likely tokens whose cumulative probability first reaches p; 1 (the default) for no limit.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>The sampling seed. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Tokens that end generation when produced (they are not returned), such as GPT-2's <c>&lt;|endoftext|&gt;</c> (50256).</summary>
    public IReadOnlyList<int> StopTokens { get; init; } = [];

    /// <summary>Whether to decode with the key/value cache (the default); without it each step reruns the whole sequence, which is slow and exists as a reference.</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Greedy decoding (τ = 0) of up to <paramref name="maxNewTokens"/> tokens.</summary>
    /// <param name="maxNewTokens">The most tokens to generate.</param>
    /// <returns>The options.</returns>
    public static GenerationOptions Greedy(int maxNewTokens = 128) => new() { Temperature = 0f, MaxNewTokens = maxNewTokens };

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxNewTokens, nameof(MaxNewTokens));
        ArgumentOutOfRangeException.ThrowIfNegative(TopK, nameof(TopK));
        if (!(Temperature >= 0) || float.IsPositiveInfinity(Temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "The temperature must be finite and not negative (0 for greedy).");
        }
        if (!(TopP > 0 && TopP <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "top-p must be in (0, 1].");
        }
    }
}

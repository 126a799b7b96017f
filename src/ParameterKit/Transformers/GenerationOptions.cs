namespace ParameterKit.Transformers;

/// <summary>
/// How <see cref="TextGenerator"/> picks each next token from the model's logits z (length V), and when it stops.
/// </summary>
/// <remarks>
/// First, when <see cref="RepetitionPenalty"/> θ is not 1, every token already in the sequence (prompt included) is
/// penalized as Hugging Face's <c>RepetitionPenaltyLogitsProcessor</c> does: a positive logit is divided by θ, a
/// negative one multiplied by θ (so θ &gt; 1 always makes a repeat less likely). Then, with <see cref="Temperature"/> τ = 0 the choice is greedy, <c>argmax z</c>. Otherwise tokens are drawn from
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

    /// <summary>
    /// θ: logits of tokens already in the sequence are divided by θ when positive and multiplied by θ when negative
    /// (Hugging Face's <c>repetition_penalty</c>); 1 (the default) leaves them alone. Must be finite and above 0.
    /// </summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>
    /// Texts that end generation when the decoded completion comes to contain one (across token boundaries); the stop
    /// string and anything after it are not emitted. Only the text API (<see cref="TextGenerator.StreamAsync(Microsoft.ML.Tokenizers.Tokenizer, string, GenerationOptions, CancellationToken)"/>)
    /// decodes, so only it honours them; the token APIs have no tokenizer and ignore them.
    /// </summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

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
        if (!(RepetitionPenalty > 0) || float.IsPositiveInfinity(RepetitionPenalty))
        {
            throw new ArgumentOutOfRangeException(nameof(RepetitionPenalty), RepetitionPenalty, "The repetition penalty must be finite and above 0 (1 for none).");
        }
        ArgumentNullException.ThrowIfNull(StopTokens, nameof(StopTokens));
        ArgumentNullException.ThrowIfNull(StopStrings, nameof(StopStrings));
        foreach (string? stop in StopStrings)
        {
            if (string.IsNullOrEmpty(stop))
            {
                throw new ArgumentException("A stop string must not be null or empty (it would stop before the first token).", nameof(StopStrings));
            }
        }
    }
}

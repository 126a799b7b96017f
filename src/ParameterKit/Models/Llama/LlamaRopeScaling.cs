namespace ParameterKit.Models.Llama;

/// <summary>How a Llama-family model stretches its rotary position embedding beyond the context it was trained on (<c>rope_scaling</c>).</summary>
public enum LlamaRopeScalingKind
{
    /// <summary>
    /// <c>linear</c> (position interpolation): every inverse frequency is divided by the factor, so position p rotates
    /// as position p / factor did.
    /// </summary>
    Linear = 1,

    /// <summary>
    /// <c>llama3</c> (Llama 3.1 / 3.2): long wavelengths (beyond original context / low_freq_factor) are divided by the
    /// factor, short ones (below original context / high_freq_factor) are kept, and the band between is blended smoothly.
    /// </summary>
    Llama3 = 2,

    /// <summary>
    /// Every inverse frequency divided by its own factor (<see cref="LlamaRopeScaling.FrequencyFactors"/>): how llama.cpp's
    /// converter stores <c>llama3</c> scaling in GGUF, as the <c>rope_freqs.weight</c> tensor of the divisors it computed.
    /// </summary>
    FrequencyFactors = 3,
}

/// <summary>
/// The <c>rope_scaling</c> setting of a Llama-family <c>config.json</c>. Only the kinds whose rotation depends on
/// position alone are represented; <c>dynamic</c> (which changes every frequency with the sequence length), <c>yarn</c> and
/// <c>longrope</c> are refused by <see cref="LlamaConfigJson"/> with the type named.
/// </summary>
/// <param name="Kind">The scaling rule.</param>
/// <param name="Factor">The stretch factor (<c>factor</c>), at least 1.</param>
/// <param name="LowFrequencyFactor"><c>low_freq_factor</c> (llama3 only).</param>
/// <param name="HighFrequencyFactor"><c>high_freq_factor</c> (llama3 only), above <paramref name="LowFrequencyFactor"/>.</param>
/// <param name="OriginalContext"><c>original_max_position_embeddings</c> (llama3 only): the context the model was pre-trained on.</param>
public sealed record LlamaRopeScaling(LlamaRopeScalingKind Kind, double Factor, double LowFrequencyFactor = 1, double HighFrequencyFactor = 4, int OriginalContext = 8192)
{
    /// <summary>Llama 3.1 / 3.2's setting: factor 8 (3.1) or 32 (3.2), low 1, high 4, original context 8,192.</summary>
    /// <param name="factor">The stretch factor.</param>
    /// <returns>The scaling.</returns>
    public static LlamaRopeScaling Llama3(double factor) => new(LlamaRopeScalingKind.Llama3, factor, 1, 4, 8192);

    /// <summary>The divisor of each of a head's hd/2 inverse frequencies (<see cref="LlamaRopeScalingKind.FrequencyFactors"/> only).</summary>
    public IReadOnlyList<float>? FrequencyFactors { get; private init; }

    /// <summary>Scaling by per-frequency divisors, as a GGUF's <c>rope_freqs.weight</c> holds them.</summary>
    /// <param name="factors">One divisor per rotated pair (hd/2 values), each positive.</param>
    /// <returns>The scaling.</returns>
    public static LlamaRopeScaling ByFrequencyFactors(IReadOnlyList<float> factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        return new(LlamaRopeScalingKind.FrequencyFactors, factors.Count == 0 ? 1 : factors.Max()) { FrequencyFactors = [.. factors] };
    }
}

namespace ParameterKit.Adapters;

/// <summary>
/// What LoRA adapters to attach and how: which <see cref="Modules.Linear"/> layers, the rank r, α and dropout, as
/// Hugging Face PEFT's <c>LoraConfig</c> has them (and writes them to <c>adapter_config.json</c>).
/// </summary>
/// <example><code>
/// var options = new LoraOptions { Rank = 8, Alpha = 16, TargetModules = ["c_attn"] };   // GPT-2's fused QKV
/// var llama = new LoraOptions { Rank = 16, Alpha = 32, TargetModules = ["*.q_proj", "*.v_proj"] };
/// </code></example>
public sealed record LoraOptions
{
    /// <summary>r: the rank of each adapter (PEFT's default 8).</summary>
    public int Rank { get; init; } = 8;

    /// <summary>α (<c>lora_alpha</c>): the adapter's output is scaled by α / r (PEFT's default α = 8).</summary>
    public double Alpha { get; init; } = 8;

    /// <summary>p (<c>lora_dropout</c>): the chance each adapter input value is dropped in training mode; 0 by default.</summary>
    public double Dropout { get; init; }

    /// <summary>rsLoRA (Kalajdzievski 2023): scale by α / √r instead of α / r, which keeps higher ranks learning.</summary>
    public bool UseRsLora { get; init; }

    /// <summary>
    /// Which layers get an adapter, matched against each <see cref="Modules.Linear"/>'s path. A bare name (<c>c_attn</c>,
    /// <c>q_proj</c>) or dotted suffix (<c>attn.c_attn</c>) matches as PEFT's list does: the path equals it or ends with
    /// <c>.</c> and it. A pattern with <c>*</c> or <c>?</c> (<c>h.*.attn.c_attn</c>, <c>*.q_proj</c>) is a glob over the
    /// whole path. Every pattern must match at least one layer. Required: the default is empty, and
    /// <see cref="Validate"/> refuses an empty list (PEFT guesses targets from the model type; here they are named).
    /// </summary>
    public IReadOnlyList<string> TargetModules { get; init; } = [];

    /// <summary>Seed of A's initial values and of the dropout masks (each adapter draws its own stream from it and its name).</summary>
    public ulong Seed { get; init; }

    /// <summary>Written to <c>adapter_config.json</c> as <c>base_model_name_or_path</c> (for example <c>gpt2</c>); null when unknown.</summary>
    public string? BaseModelName { get; init; }

    /// <summary>s: what each adapter's output is multiplied by, α / r, or α / √r with <see cref="UseRsLora"/>.</summary>
    public double Scale => UseRsLora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rank is not positive, α is not finite, or the dropout is outside [0, 1).</exception>
    /// <exception cref="ArgumentException">No target pattern is given, or one is empty.</exception>
    public void Validate()
    {
        if (Rank <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Rank), Rank, "The LoRA rank r must be at least 1.");
        }
        if (!double.IsFinite(Alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "lora_alpha must be finite.");
        }
        if (!(Dropout >= 0 && Dropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "lora_dropout must be in [0, 1).");
        }
        if (TargetModules is null || TargetModules.Count == 0)
        {
            throw new ArgumentException("Name at least one target module (for example \"c_attn\" or \"*.q_proj\").", nameof(TargetModules));
        }
        foreach (string pattern in TargetModules)
        {
            if (string.IsNullOrEmpty(pattern))
            {
                throw new ArgumentException("A target module pattern is empty.", nameof(TargetModules));
            }
        }
    }
}

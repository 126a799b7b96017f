namespace ParameterKit.SafeTensors;

/// <summary>
/// How checkpoint tensor names map onto a store's parameters when loading, and how strict the load is.
/// </summary>
/// <remarks>
/// A checkpoint name goes through, in order: <see cref="StripPrefix"/> (removed when present),
/// <see cref="AddPrefix"/>, then <see cref="MapName"/>. The result is looked up in the store. Tensors the
/// <see cref="CheckpointCounter"/> recognizes as buffers (GPT-2's causal masks) are skipped when
/// <see cref="SkipBuffers"/> is set, and never reported as unexpected.
/// </remarks>
/// <example>
/// Loading Hugging Face GPT-2 weights, which may carry a <c>transformer.</c> prefix and store Conv1D weights C x OC:
/// <code>
/// store.Load(checkpoint, CheckpointLoadOptions.Gpt2);
/// </code>
/// </example>
public sealed record CheckpointLoadOptions
{
    /// <summary>Strict (the default): any missing, unexpected or mismatched name throws <see cref="CheckpointLoadException"/>
    /// listing all of them, and the store is left unchanged. Non-strict: load what matches and return the report.</summary>
    public bool Strict { get; init; } = true;

    /// <summary>A prefix removed from checkpoint names that start with it, for example <c>transformer.</c>.</summary>
    public string? StripPrefix { get; init; }

    /// <summary>A prefix added to checkpoint names (after stripping), for example to load a backbone into <c>encoder.</c>.</summary>
    public string? AddPrefix { get; init; }

    /// <summary>A final renaming of checkpoint names; returning <see langword="null"/> skips the tensor silently.</summary>
    public Func<string, string?>? MapName { get; init; }

    /// <summary>
    /// Which parameters (by store name) the checkpoint stores transposed, as Hugging Face's Conv1D layers do
    /// (GPT-2's <c>c_attn.weight</c> is stored C x 3C; the store declares 3C x C). Such tensors are transposed
    /// on load, and on save when the same predicate is given to <see cref="StoreCheckpoint.Save"/>.
    /// </summary>
    public Func<string, bool>? Transposed { get; init; }

    /// <summary>Skip tensors that are buffers rather than parameters (see <see cref="CheckpointCounter.InferKind"/>). Default true.</summary>
    public bool SkipBuffers { get; init; } = true;

    /// <summary>Strict loading with names used as they are.</summary>
    public static CheckpointLoadOptions Default { get; } = new();

    /// <summary>
    /// GPT-2 from Hugging Face: strips <c>transformer.</c> and transposes the Conv1D weights
    /// (<c>attn.c_attn</c>, <c>attn.c_proj</c>, <c>mlp.c_fc</c>, <c>mlp.c_proj</c>).
    /// </summary>
    public static CheckpointLoadOptions Gpt2 { get; } = new() { StripPrefix = "transformer.", Transposed = IsGpt2Conv1DWeight };

    /// <summary>Whether <paramref name="name"/> is one of GPT-2's Conv1D weights, stored C x OC in Hugging Face checkpoints.</summary>
    /// <param name="name">A parameter name.</param>
    public static bool IsGpt2Conv1DWeight(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.EndsWith("attn.c_attn.weight", StringComparison.Ordinal)
            || name.EndsWith("attn.c_proj.weight", StringComparison.Ordinal)
            || name.EndsWith("mlp.c_fc.weight", StringComparison.Ordinal)
            || name.EndsWith("mlp.c_proj.weight", StringComparison.Ordinal);
    }

    /// <summary>Applies the prefix rules and <see cref="MapName"/> to a checkpoint name.</summary>
    /// <param name="checkpointName">The tensor's name in the checkpoint.</param>
    /// <returns>The store name, or <see langword="null"/> when <see cref="MapName"/> skips it.</returns>
    public string? ToStoreName(string checkpointName)
    {
        ArgumentNullException.ThrowIfNull(checkpointName);
        string name = checkpointName;
        if (!string.IsNullOrEmpty(StripPrefix) && name.StartsWith(StripPrefix, StringComparison.Ordinal))
        {
            name = name[StripPrefix.Length..];
        }
        if (!string.IsNullOrEmpty(AddPrefix))
        {
            name = AddPrefix + name;
        }
        return MapName is null ? name : MapName(name);
    }
}

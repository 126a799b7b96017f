namespace ParameterKit.SafeTensors;

/// <summary>
/// How checkpoint tensor names map onto a store's parameters when loading, and how strict the load is.
/// </summary>
/// <remarks>
/// A checkpoint name goes through, in order: <see cref="StripPrefix"/> (removed when present),
/// <see cref="AddPrefix"/>, then <see cref="MapName"/>. The result is looked up in the store. Tensors that are
/// buffers (by the model's <see cref="IsBuffer"/> rule, such as GPT-2's causal masks, or the generic rules of
/// <see cref="CheckpointCounter"/>) are skipped when <see cref="SkipBuffers"/> is set, listed as buffers in the
/// report, and never reported as unexpected.
/// </remarks>
/// <para>The format layer knows no architecture: which names a model's checkpoints prefix or store transposed is
/// that model's rule, kept in its folder under <c>Models/</c> (GPT-2's is <c>Gpt2HubLayout.LoadOptions</c>).</para>
/// <example>
/// Loading weights stored under a <c>transformer.</c> prefix, with some matrices stored transposed:
/// <code>
/// store.Load(checkpoint, new CheckpointLoadOptions { StripPrefix = "transformer.", Transposed = name => name.EndsWith("c_fc.weight", StringComparison.Ordinal) });
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
    /// Which matrices (by store name) the checkpoint stores transposed, as Hugging Face's Conv1D layers do
    /// (a C x OC tensor for a parameter declared OC x C). Such tensors are transposed on load, and on save when the
    /// same predicate is given to <see cref="StoreCheckpoint.Save"/>. The model supplies it; this layer applies it.
    /// </summary>
    public Func<string, bool>? Transposed { get; init; }

    /// <summary>
    /// Which checkpoint names (as stored, before any renaming) are the model's buffers rather than parameters, such as
    /// GPT-2's causal masks <c>h.0.attn.bias</c>. The model supplies it (<c>Gpt2HubLayout.IsBuffer</c>); null leaves
    /// only the generic rules of <see cref="CheckpointCounter.InferKind(string, int)"/>.
    /// </summary>
    public Func<string, bool>? IsBuffer { get; init; }

    /// <summary>Skip tensors that are buffers rather than parameters (see <see cref="IsBuffer"/> and <see cref="CheckpointCounter.InferKind(string, int)"/>). Default true.</summary>
    public bool SkipBuffers { get; init; } = true;

    /// <summary>Strict loading with names used as they are.</summary>
    public static CheckpointLoadOptions Default { get; } = new();

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

using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.SafeTensors;

/// <summary>
/// Counts parameters straight from checkpoint headers (a local file, a sharded set, or a header read over HTTP)
/// and infers each tensor's <see cref="ParameterKind"/> from Hugging Face naming.
/// </summary>
/// <remarks>
/// <para>This layer knows no architecture. A name that only one model family stores as a buffer (GPT-2's causal mask
/// <c>h.0.attn.bias</c> reads like a parameter) is that model's rule: pass it as <c>isBuffer</c>
/// (<c>Gpt2HubLayout.IsBuffer</c> for GPT-2), and it is asked first, after the checkpoint's own record.</para>
/// Generic naming rules, applied to the last two dot-separated segments (<c>module.leaf</c>):
/// <list type="bullet">
/// <item>Buffers, not parameters, whatever the model: rotary <c>inv_freq</c>, <c>position_ids</c>, and batch-norm
/// running statistics.</item>
/// <item><see cref="ParameterKind.Bias"/>: leaf <c>bias</c> (or the old LayerNorm <c>beta</c>).</item>
/// <item><see cref="ParameterKind.Embedding"/>: <c>weight</c> of <c>wte</c>, <c>wpe</c>, <c>embed_tokens</c>,
/// <c>word_embeddings</c>, <c>position_embeddings</c>, <c>token_type_embeddings</c>, <c>embed_positions</c>,
/// <c>tok_embeddings</c>.</item>
/// <item><see cref="ParameterKind.NormGain"/>: <c>weight</c> of a module named <c>ln*</c> or containing
/// <c>norm</c> (<c>ln_f</c>, <c>input_layernorm</c>, <c>model.norm</c>, <c>LayerNorm</c>), or leaf <c>gamma</c>.</item>
/// <item>Everything else is a <see cref="ParameterKind.Weight"/>.</item>
/// </list>
/// </remarks>
/// <example>
/// <code>
/// using var checkpoint = SafeTensorsCheckpoint.Open("model.safetensors.index.json");
/// CheckpointCount count = CheckpointCounter.Count(checkpoint.Tensors);
/// Console.WriteLine($"{count.TotalParameters:N0} parameters, {count.Buffers.Count} buffers");
/// </code>
/// </example>
public static class CheckpointCounter
{
    private static readonly HashSet<string> EmbeddingModules = new(StringComparer.Ordinal)
    {
        "wte", "wpe", "embed_tokens", "word_embeddings", "position_embeddings", "token_type_embeddings",
        "embed_positions", "tok_embeddings",
    };

    private static readonly HashSet<string> BufferLeaves = new(StringComparer.Ordinal)
    {
        "inv_freq", "position_ids", "running_mean", "running_var", "num_batches_tracked",
    };

    /// <summary>Counts the tensors of a checkpoint or header.</summary>
    /// <param name="tensors">For example <see cref="SafeTensorsHeader.Tensors"/> or <see cref="SafeTensorsCheckpoint.Tensors"/>.</param>
    /// <exception cref="OverflowException">The totals exceed a 64-bit integer.</exception>
    public static CheckpointCount Count(IEnumerable<SafeTensorInfo> tensors) => Count(tensors, metadata: null);

    /// <summary>
    /// Counts the tensors of a checkpoint, taking each tensor's kind from the checkpoint's
    /// <see cref="RecordedKinds"/> record when it has one and inferring it from the name otherwise.
    /// </summary>
    /// <param name="tensors">For example <see cref="SafeTensorsCheckpoint.Tensors"/>.</param>
    /// <param name="metadata">The checkpoint's <c>__metadata__</c> (<see cref="SafeTensorsCheckpoint.Metadata"/>), or null.</param>
    /// <exception cref="OverflowException">The totals exceed a 64-bit integer.</exception>
    public static CheckpointCount Count(IEnumerable<SafeTensorInfo> tensors, IReadOnlyDictionary<string, string>? metadata) =>
        Count(tensors, metadata, isBuffer: null);

    /// <summary>
    /// Counts the tensors of a checkpoint as <see cref="Count(IEnumerable{SafeTensorInfo}, IReadOnlyDictionary{string, string})"/>
    /// does, with the model's own rule for which names are buffers.
    /// </summary>
    /// <param name="tensors">For example <see cref="SafeTensorsCheckpoint.Tensors"/>.</param>
    /// <param name="metadata">The checkpoint's <c>__metadata__</c>, or null.</param>
    /// <param name="isBuffer">The model's buffer names (for GPT-2, <c>Gpt2HubLayout.IsBuffer</c>), or null for the generic rules only.</param>
    /// <exception cref="OverflowException">The totals exceed a 64-bit integer.</exception>
    public static CheckpointCount Count(IEnumerable<SafeTensorInfo> tensors, IReadOnlyDictionary<string, string>? metadata, Func<string, bool>? isBuffer)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        IReadOnlyDictionary<string, ParameterKind>? recorded = RecordedKinds.Read(metadata);
        var byKind = Enum.GetValues<ParameterKind>().ToDictionary(k => k, _ => 0L);
        var bytes = new Dictionary<DType, long>();
        var parameters = new List<(SafeTensorInfo, ParameterKind)>();
        var buffers = new List<SafeTensorInfo>();
        long total = 0;
        foreach (SafeTensorInfo t in tensors)
        {
            if (KindOf(t, recorded, isBuffer) is not ParameterKind kind)
            {
                buffers.Add(t);
                continue;
            }
            long elements = checked((long)t.ElementCount);
            total = checked(total + elements);
            byKind[kind] = checked(byKind[kind] + elements);
            bytes[t.DType] = checked(bytes.GetValueOrDefault(t.DType) + (long)t.ByteLength);
            parameters.Add((t, kind));
        }
        return new CheckpointCount(total, byKind, bytes, parameters, buffers, recorded is not null);
    }

    /// <summary>
    /// A tensor's kind: the recorded one when <paramref name="recorded"/> names the tensor (a file ParameterKit
    /// wrote), else the one its name implies (<see cref="InferKind(string, int)"/>), or null for a buffer.
    /// </summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="recorded">The checkpoint's record (<see cref="RecordedKinds.Read"/>), or null.</param>
    /// <returns>The kind, or null for a buffer.</returns>
    public static ParameterKind? KindOf(SafeTensorInfo tensor, IReadOnlyDictionary<string, ParameterKind>? recorded) =>
        KindOf(tensor, recorded, isBuffer: null);

    /// <summary>
    /// A tensor's kind: the recorded one when <paramref name="recorded"/> names the tensor, else null when the model's
    /// <paramref name="isBuffer"/> rule claims the name, else the one its name implies (<see cref="InferKind(string, int)"/>).
    /// </summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="recorded">The checkpoint's record (<see cref="RecordedKinds.Read"/>), or null.</param>
    /// <param name="isBuffer">The model's buffer names (for GPT-2, <c>Gpt2HubLayout.IsBuffer</c>), or null.</param>
    /// <returns>The kind, or null for a buffer.</returns>
    public static ParameterKind? KindOf(SafeTensorInfo tensor, IReadOnlyDictionary<string, ParameterKind>? recorded, Func<string, bool>? isBuffer)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return recorded is not null && recorded.TryGetValue(tensor.Name, out ParameterKind kind) ? kind : InferKind(tensor.Name, tensor.Rank, isBuffer);
    }

    /// <summary>
    /// The kind a Hugging Face tensor name denotes, or <see langword="null"/> for a buffer that is not a parameter
    /// (PEFT's <c>lora_A</c> / <c>lora_B</c> factors are <see cref="ParameterKind.Adapter"/>).
    /// </summary>
    /// <param name="name">The tensor name, for example <c>h.0.ln_1.weight</c>.</param>
    /// <param name="rank">The tensor's rank; only 1-D weights can be norm gains.</param>
    public static ParameterKind? InferKind(string name, int rank) => InferKind(name, rank, isBuffer: null);

    /// <summary>
    /// The kind a Hugging Face tensor name denotes, or <see langword="null"/> for a buffer: the model's
    /// <paramref name="isBuffer"/> rule first, then the generic rules of <see cref="InferKind(string, int)"/>.
    /// </summary>
    /// <param name="name">The tensor name, for example <c>h.0.attn.bias</c>.</param>
    /// <param name="rank">The tensor's rank; only 1-D weights can be norm gains.</param>
    /// <param name="isBuffer">The model's buffer names (for GPT-2, <c>Gpt2HubLayout.IsBuffer</c>), or null.</param>
    public static ParameterKind? InferKind(string name, int rank, Func<string, bool>? isBuffer)
    {
        ArgumentNullException.ThrowIfNull(name);
        return isBuffer is not null && isBuffer(name) ? null : InferKind(name.AsSpan(), rank);
    }

    /// <summary>
    /// The kind a Hugging Face tensor name denotes, as <see cref="InferKind(string, int)"/>, for a name held as
    /// characters (decoded from a header into a reused buffer): nothing is allocated, so a tool can classify a
    /// million tensors without making a string for each.
    /// </summary>
    /// <param name="name">The tensor name, for example <c>h.0.ln_1.weight</c>.</param>
    /// <param name="rank">The tensor's rank; only 1-D weights can be norm gains.</param>
    public static ParameterKind? InferKind(ReadOnlySpan<char> name, int rank)
    {
        int lastDot = name.LastIndexOf('.');
        ReadOnlySpan<char> leaf = name[(lastDot + 1)..];
        ReadOnlySpan<char> module = lastDot <= 0 ? [] : name[(name[..lastDot].LastIndexOf('.') + 1)..lastDot];

        if (BufferLeaves.GetAlternateLookup<ReadOnlySpan<char>>().Contains(leaf))
        {
            return null;
        }
        // PEFT's LoRA factors: "...c_attn.lora_A.weight", and an embedding's "...wte.lora_embedding_A".
        if (module is "lora_A" or "lora_B" || leaf is "lora_embedding_A" or "lora_embedding_B")
        {
            return ParameterKind.Adapter;
        }
        if (leaf is "bias" or "beta")
        {
            return ParameterKind.Bias;
        }
        var embeddingModules = EmbeddingModules.GetAlternateLookup<ReadOnlySpan<char>>();
        if (embeddingModules.Contains(module) || embeddingModules.Contains(leaf))
        {
            return ParameterKind.Embedding;
        }
        bool normModule = module.StartsWith("ln", StringComparison.Ordinal) || module.Contains("norm", StringComparison.OrdinalIgnoreCase);
        if (leaf is "gamma" || (leaf is "weight" && rank == 1 && normModule))
        {
            return ParameterKind.NormGain;
        }
        return ParameterKind.Weight;
    }
}

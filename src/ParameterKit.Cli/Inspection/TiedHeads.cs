namespace ParameterKit.Cli.Inspection;

/// <summary>
/// Finds output heads that a checkpoint does not store because they are tied to the token embedding.
/// </summary>
/// <remarks>
/// A header cannot say that two names share memory: PyTorch's <c>save_file</c> refuses shared tensors, so
/// Hugging Face saves a tied model with the alias dropped (GPT-2's files have <c>wte.weight</c> and no
/// <c>lm_head.weight</c>). The only honest inference from a header is therefore: a causal language model whose
/// token embedding is stored but whose <c>lm_head.weight</c> is not reuses the embedding as its output head.
/// The report says "inferred", and the tied name is never counted, matching what transformers reports.
/// </remarks>
internal static class TiedHeads
{
    private static readonly string[] TokenEmbeddings =
        ["wte.weight", "transformer.wte.weight", "model.embed_tokens.weight", "embed_tokens.weight", "tok_embeddings.weight"];

    /// <summary>The inferred ties: (the absent alias, the stored tensor it reuses).</summary>
    /// <param name="contains">Whether the checkpoint stores a tensor of this exact name (asked for a handful of names).</param>
    public static IReadOnlyList<(string Alias, string Target)> Infer(Func<string, bool> contains)
    {
        ArgumentNullException.ThrowIfNull(contains);
        if (contains("lm_head.weight") || contains("output.weight"))
        {
            return [];
        }
        string? embedding = TokenEmbeddings.FirstOrDefault(contains);
        return embedding is null ? [] : [("lm_head.weight", embedding)];
    }
}

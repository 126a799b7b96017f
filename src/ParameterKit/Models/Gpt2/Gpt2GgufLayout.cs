using System.Text.RegularExpressions;
using ParameterKit.Gguf;

namespace ParameterKit.Models.Gpt2;

/// <summary>
/// How llama.cpp's converter (<c>convert_hf_to_gguf.py</c>, <c>GPT2Model</c>) stores GPT-2 in a GGUF file: the
/// configuration under <c>gpt2.*</c> keys, the tensors under llama.cpp's names, and the Conv1D weights already transposed
/// to (OC, C), which is exactly the layout this model declares, so no tensor is reshaped on loading.
/// </summary>
internal static partial class Gpt2GgufLayout
{
    /// <summary>llama.cpp's per-block names and this model's.</summary>
    private static readonly Dictionary<string, string> BlockNames = new()
    {
        ["attn_norm"] = "ln_1",
        ["attn_qkv"] = "attn.c_attn",
        ["attn_output"] = "attn.c_proj",
        ["ffn_norm"] = "ln_2",
        ["ffn_up"] = "mlp.c_fc",
        ["ffn_down"] = "mlp.c_proj",
    };

    [GeneratedRegex(@"^blk\.(\d+)\.(\w+)\.(weight|bias)$")]
    private static partial Regex BlockTensor();

    /// <summary>
    /// The configuration a GGUF file describes. The vocabulary size is <c>token_embd.weight</c>'s row count (a file need
    /// not carry a tokenizer), and the head is untied when the file stores an <c>output.weight</c> that is not a copy of
    /// the embeddings (llama.cpp's converter always writes the copy).
    /// </summary>
    /// <exception cref="GgufFormatException">A key is missing or of the wrong type, or <c>token_embd.weight</c> is absent.</exception>
    internal static Gpt2Config ReadConfig(GgufFile file)
    {
        var settings = new GgufModelSettings(file);
        GgufTensorInfo embeddings = file.GetTensor("token_embd.weight");
        bool tied = !file.Header.TryGetTensor("output.weight", out GgufTensorInfo? output)
            || file.HasSameData(output, embeddings);
        int positions = settings.Count("gpt2.context_length");
        int channels = settings.Count("gpt2.embedding_length");
        int heads = settings.Count("gpt2.attention.head_count");
        if (channels % heads != 0)
        {
            throw settings.Refuse("gpt2.attention.head_count", $"'gpt2.embedding_length' {channels} is not a multiple of 'gpt2.attention.head_count' {heads}");
        }
        if (channels > Gpt2Config.MaxChannels)
        {
            throw settings.Refuse("gpt2.embedding_length", $"'gpt2.embedding_length' {channels} is past {Gpt2Config.MaxChannels}: the MLP's 4 x C would pass 32 bits");
        }
        return new Gpt2Config(
            VocabSize: settings.VocabularySize(embeddings),
            Positions: positions,
            Channels: channels,
            Layers: settings.Blocks("gpt2.block_count"),
            Heads: heads,
            LayerNormEpsilon: settings.Epsilon("gpt2.attention.layer_norm_epsilon"),
            TieWordEmbeddings: tied);
    }

    /// <summary>The declared parameter a GGUF tensor fills, or null for a name GPT-2 does not have.</summary>
    internal static GgufTensorTarget? Target(string name)
    {
        switch (name)
        {
            case "token_embd.weight": return new("wte.weight");
            case "position_embd.weight": return new("wpe.weight");
            case "output_norm.weight": return new("ln_f.weight");
            case "output_norm.bias": return new("ln_f.bias");
            case "output.weight": return new("lm_head.weight");
        }
        Match match = BlockTensor().Match(name);
        return match.Success && BlockNames.TryGetValue(match.Groups[2].Value, out string? local)
            ? new($"h.{match.Groups[1].Value}.{local}.{match.Groups[3].Value}")
            : null;
    }
}

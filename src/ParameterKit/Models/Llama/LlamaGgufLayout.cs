using System.Text.RegularExpressions;
using ParameterKit.Gguf;

namespace ParameterKit.Models.Llama;

/// <summary>
/// How llama.cpp's converter (<c>convert_hf_to_gguf.py</c>) stores the Llama family in a GGUF file: the configuration
/// under <c>{architecture}.*</c> keys (<c>llama</c> for Llama and Mistral, <c>qwen2</c> for Qwen2), the tensors under
/// llama.cpp's names, and, for the <c>llama</c> architecture only, the rows of the query and key projections permuted
/// for GGML's interleaved rotary embedding, which loading undoes.
/// </summary>
internal static partial class LlamaGgufLayout
{
    /// <summary>The GGUF architectures read, and the <c>model_type</c> each becomes.</summary>
    internal static IReadOnlyDictionary<string, string> Architectures { get; } = new Dictionary<string, string>
    {
        ["llama"] = "llama",
        ["qwen2"] = "qwen2",
    };

    private static readonly Dictionary<string, string> BlockNames = new()
    {
        ["attn_norm"] = "input_layernorm",
        ["attn_q"] = "self_attn.q_proj",
        ["attn_k"] = "self_attn.k_proj",
        ["attn_v"] = "self_attn.v_proj",
        ["attn_output"] = "self_attn.o_proj",
        ["ffn_norm"] = "post_attention_layernorm",
        ["ffn_gate"] = "mlp.gate_proj",
        ["ffn_up"] = "mlp.up_proj",
        ["ffn_down"] = "mlp.down_proj",
    };

    [GeneratedRegex(@"^blk\.(\d+)\.(\w+)\.(weight|bias)$")]
    private static partial Regex BlockTensor();

    /// <summary>
    /// The configuration a GGUF file describes; the vocabulary size is <c>token_embd.weight</c>'s row count and the head
    /// is tied when the file has no <c>output.weight</c>.
    /// </summary>
    /// <exception cref="GgufFormatException">A key is missing or of the wrong type, or <c>token_embd.weight</c> is absent.</exception>
    /// <exception cref="ModelConfigException">The file describes what this model cannot run (rotary scaling other than llama3's
    /// frequency factors and linear, an unknown architecture), or its frequency factors do not fit the heads.</exception>
    internal static LlamaConfig ReadConfig(GgufFile file)
    {
        GgufMetadata m = file.Metadata;
        string architecture = m.GetString("general.architecture");
        if (!Architectures.TryGetValue(architecture, out string? modelType))
        {
            throw new ModelConfigException(file.FilePath, "general.architecture",
                $"architecture '{architecture}' is not a Llama-family one (supported: {string.Join(", ", Architectures.Keys)})");
        }
        var settings = new GgufModelSettings(file);
        string Key(string name) => $"{architecture}.{name}";
        int heads = settings.Count(Key("attention.head_count"));
        int hidden = settings.Count(Key("embedding_length"));
        int headDim = settings.Count(Key("attention.key_length"), fallback: 0);
        int keyValueHeads = settings.Count(Key("attention.head_count_kv"), fallback: heads);
        // The checks config.json's reader makes of the same settings (LlamaConfigJson).
        if (headDim == 0 && hidden % heads != 0)
        {
            throw settings.Refuse(Key("attention.head_count"), $"'{Key("embedding_length")}' {hidden} is not a multiple of '{Key("attention.head_count")}' {heads}");
        }
        int width = headDim > 0 ? headDim : hidden / heads;
        if (heads % keyValueHeads != 0)
        {
            throw settings.Refuse(Key("attention.head_count_kv"), $"{heads} query heads are not a multiple of {keyValueHeads} key/value heads");
        }
        if (width % 2 != 0 || (long)heads * width > int.MaxValue)
        {
            throw settings.Refuse(Key("attention.key_length"), $"a head {width} channels wide is odd, or {heads} of them pass 32 bits");
        }
        LlamaRopeScaling? scaling = RopeScaling(file, architecture, width);
        GgufTensorInfo embeddings = file.GetTensor("token_embd.weight");
        return new LlamaConfig(
            VocabSize: settings.VocabularySize(embeddings),
            Hidden: hidden,
            Intermediate: settings.Count(Key("feed_forward_length")),
            Layers: settings.Blocks(Key("block_count")),
            Heads: heads,
            KeyValueHeads: keyValueHeads,
            TieEmbeddings: !file.Header.TryGetTensor("output.weight", out _),
            RmsNormEpsilon: settings.Epsilon(Key("attention.layer_norm_rms_epsilon")),
            AttentionBias: false,
            HeadDim: headDim == hidden / heads ? 0 : headDim)
        {
            ModelType = modelType,
            ContextLength = settings.Count(Key("context_length")),
            RopeTheta = settings.Positive(Key("rope.freq_base"), 10000),
            RopeScaling = scaling,
        };
    }

    /// <summary>The GGUF tensor that holds llama3-style rotary scaling: one divisor per rotated pair of a head.</summary>
    internal const string RopeFrequencyFactors = "rope_freqs.weight";

    /// <summary>
    /// The rotary scaling a file asks for: the <see cref="RopeFrequencyFactors"/> tensor (llama.cpp's converter writes
    /// Llama 3.1 and later's <c>llama3</c> scaling so), or <c>rope.scaling.type</c> <c>linear</c> with its factor.
    /// Other types (<c>yarn</c>, ...) change the arithmetic in ways not built here and are refused by name.
    /// </summary>
    private static LlamaRopeScaling? RopeScaling(GgufFile file, string architecture, int headDim)
    {
        GgufMetadata m = file.Metadata;
        string typeKey = $"{architecture}.rope.scaling.type";
        string type = m.ContainsKey(typeKey) ? m.GetString(typeKey) : "none";
        if (type is not ("none" or "linear"))
        {
            throw new ModelConfigException(file.FilePath, typeKey, $"rotary scaling '{type}' is not supported from GGUF (supported: linear, and llama3 as rope_freqs.weight)");
        }
        if (file.Header.TryGetTensor(RopeFrequencyFactors, out GgufTensorInfo? freqs))
        {
            if (type == "linear")
            {
                throw new ModelConfigException(file.FilePath, typeKey, $"the file has both linear rotary scaling and {RopeFrequencyFactors}; it can only mean one");
            }
            if (freqs.Type != GgufTensorType.F32 || freqs.Shape.Length != 1 || freqs.ElementCount != (ulong)(headDim / 2))
            {
                throw new ModelConfigException(file.FilePath, RopeFrequencyFactors,
                    $"'{RopeFrequencyFactors}' is {freqs.Type} [{string.Join(", ", freqs.Shape)}]; expected F32 [{headDim / 2}] (one factor per rotated pair of a {headDim}-channel head)");
            }
            var factors = new float[headDim / 2];
            file.DequantizeToSingle(freqs, factors);
            if (factors.Any(f => !(f > 0) || float.IsInfinity(f)))
            {
                throw new ModelConfigException(file.FilePath, RopeFrequencyFactors, $"'{RopeFrequencyFactors}' holds a factor that is not a positive finite number");
            }
            return LlamaRopeScaling.ByFrequencyFactors(factors);
        }
        if (type == "linear")
        {
            string factorKey = $"{architecture}.rope.scaling.factor";
            double factor = m.GetFloat(factorKey);
            return factor >= 1 && double.IsFinite(factor) ? new LlamaRopeScaling(LlamaRopeScalingKind.Linear, factor)
                : throw new ModelConfigException(file.FilePath, factorKey, $"linear rotary scaling factor {factor} is not a finite number of 1 or more");
        }
        return null;
    }

    /// <summary>The declared parameter a GGUF tensor fills (with the heads to unpermute), or null for a name Llama does not have.</summary>
    internal static GgufTensorTarget? Target(string name, LlamaConfig config)
    {
        switch (name)
        {
            case "token_embd.weight": return new("model.embed_tokens.weight");
            case "output_norm.weight": return new("model.norm.weight");
            case "output.weight": return new("lm_head.weight");
        }
        Match match = BlockTensor().Match(name);
        if (!match.Success || !BlockNames.TryGetValue(match.Groups[2].Value, out string? local))
        {
            return null;
        }
        // Only the llama architecture's converter permutes (LlamaModel.modify_tensors); Qwen2's writes rows unchanged.
        int heads = config.ModelType != "llama" ? 0 : match.Groups[2].Value switch
        {
            "attn_q" => config.Heads,
            "attn_k" => config.KeyValueHeads,
            _ => 0,
        };
        return new($"model.layers.{match.Groups[1].Value}.{local}.{match.Groups[3].Value}", heads);
    }
}

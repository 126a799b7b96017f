using System.Text.Json;

namespace ParameterKit.Models.Gpt2;

/// <summary>
/// The one reader of a Hugging Face GPT-2 <c>config.json</c>, used by <see cref="Gpt2Model.Load(string)"/>, counting and the
/// CLI alike: <c>vocab_size</c> (V), <c>n_positions</c> (or the older <c>n_ctx</c>), <c>n_embd</c> (C),
/// <c>n_layer</c>, <c>n_head</c>, <c>layer_norm_epsilon</c> and <c>tie_word_embeddings</c>.
/// </summary>
/// <remarks>
/// <para>Strict: every key must be one this reader uses or one known not to change the model's weights or forward
/// pass (bookkeeping, token ids, dropout, initialization, the summary heads of other GPT-2 classes). Any other key,
/// and any value this implementation does not follow (another activation, an MLP width other than 4C, cross
/// attention, attention scaled per layer), is a <see cref="ModelConfigException"/> naming the setting, because a
/// configuration ignored in part runs, or counts, a different model than the one described.</para>
/// <para>Parsed with <see cref="JsonDocument"/>, which needs no reflection, so this works under NativeAOT and trimming.
/// Invalid UTF-8 and lone surrogate escapes are refused with the same typed exception.</para>
/// </remarks>
public static class Gpt2ConfigJson
{
    /// <summary>Keys that change nothing this library computes: those every reader ignores, and GPT-2's own.</summary>
    private static readonly HashSet<string> Harmless = ConfigFields.Harmless(
        // Attention is computed in float32 throughout, so upcasting it (reorder_and_upcast_attn) changes nothing here.
        "reorder_and_upcast_attn",
        // Configure the extra heads of GPT2DoubleHeadsModel and sequence classification, which a base checkpoint has not.
        "summary_type", "summary_use_proj", "summary_activation", "summary_proj_to_labels", "summary_first_dropout",
        // Leftovers of OpenAI GPT's configuration in the Hub's gpt2-medium config.json: transformers' GPT2Config stores
        // them and no GPT-2 code reads them.
        "n_special", "predict_special_tokens");

    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    /// <param name="path">A <c>config.json</c> file.</param>
    /// <returns>The hyperparameters.</returns>
    /// <exception cref="ModelConfigException">The file is not a GPT-2 configuration this library can run (the message names the file and the setting).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Gpt2Config Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(ConfigLimits.ReadConfigFile(path), path);
    }

    /// <summary>Parses the UTF-8 JSON text of a <c>config.json</c>.</summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <param name="source">Named in error messages (a path, or any label).</param>
    /// <returns>The hyperparameters.</returns>
    /// <exception cref="ModelConfigException">The bytes are not UTF-8 JSON, a required setting is missing or mistyped, or a setting is unknown or unsupported.</exception>
    public static Gpt2Config Parse(ReadOnlySpan<byte> utf8Json, string source = "config.json") => ConfigFields.Parse(utf8Json, source, Read);

    private static Gpt2Config Read(JsonElement root, ConfigFields f)
    {
        string source = f.Source;
        f.RejectUnknown(key => IsRead(key) || key.EndsWith("_pdrop", StringComparison.Ordinal), Harmless, "GPT-2");
        if (f.OptionalString("model_type") is string type && type != "gpt2")
        {
            throw new ModelConfigException(source, "model_type", $"model_type '{type}' is not gpt2");
        }
        int channels = f.PositiveInt("n_embd");
        int heads = f.PositiveInt("n_head");
        int positions = f.Has("n_positions") ? f.PositiveInt("n_positions") : f.PositiveInt("n_ctx");
        if (f.Has("n_positions") && f.OptionalInt("n_ctx") is int context && context != positions)
        {
            throw new ModelConfigException(source, "n_ctx", $"'n_ctx' {context} differs from 'n_positions' {positions}: which context length is meant is unclear");
        }
        if (channels > Gpt2Config.MaxChannels)
        {
            throw new ModelConfigException(source, "n_embd", $"'n_embd' {channels} is past {Gpt2Config.MaxChannels}: the MLP's 4 x n_embd would pass 32 bits");
        }
        int vocab = f.PositiveInt("vocab_size");
        int layers = ConfigLimits.CheckLayers(source, "n_layer", f.PositiveInt("n_layer"));
        double epsilon = f.OptionalNumber("layer_norm_epsilon") ?? 1e-5;
        if (!(epsilon > 0 && epsilon < 1))
        {
            throw new ModelConfigException(source, "layer_norm_epsilon", $"'layer_norm_epsilon' {epsilon} must lie in (0, 1)");
        }
        // gelu_new, gelu_pytorch_tanh and gelu_fast are all the tanh approximation (gelu_fast rewrites the same
        // polynomial); the exact erf GELU would differ by up to about 1e-3 and is not implemented.
        if (f.OptionalString("activation_function") is string activation && activation is not ("gelu_new" or "gelu_pytorch_tanh" or "gelu_fast"))
        {
            throw new ModelConfigException(source, "activation_function", $"activation_function '{activation}' is not supported; GPT-2 uses the tanh approximation ('gelu_new')");
        }
        if (f.OptionalInt("n_inner") is int inner && inner != 4 * channels)
        {
            throw new ModelConfigException(source, "n_inner", $"'n_inner' {inner} is not 4 x n_embd ({4 * channels}); the GPT-2 MLP here is 4C wide");
        }
        if (f.OptionalBool("scale_attn_weights") == false)
        {
            throw new ModelConfigException(source, "scale_attn_weights", "'scale_attn_weights' false is not supported; attention scores are scaled by 1/sqrt(head size)");
        }
        if (f.OptionalBool("scale_attn_by_inverse_layer_idx") == true)
        {
            throw new ModelConfigException(source, "scale_attn_by_inverse_layer_idx", "'scale_attn_by_inverse_layer_idx' true is not supported");
        }
        if (f.OptionalBool("add_cross_attention") == true)
        {
            throw new ModelConfigException(source, "add_cross_attention", "'add_cross_attention' true is not supported: a decoder-only GPT-2 has no cross attention");
        }
        if (channels % heads != 0)
        {
            throw new ModelConfigException(source, "n_head", $"'n_embd' {channels} is not a multiple of 'n_head' {heads}");
        }
        return new Gpt2Config(vocab, positions, channels, layers, heads, (float)epsilon, f.OptionalBool("tie_word_embeddings") ?? true);
    }

    private static bool IsRead(string key) => key is "model_type" or "vocab_size" or "n_positions" or "n_ctx" or "n_embd" or "n_layer" or "n_head"
        or "layer_norm_epsilon" or "activation_function" or "n_inner" or "tie_word_embeddings" or "scale_attn_weights"
        or "scale_attn_by_inverse_layer_idx" or "add_cross_attention";
}

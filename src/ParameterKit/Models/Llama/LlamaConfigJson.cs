using System.Globalization;
using System.Text.Json;

namespace ParameterKit.Models.Llama;

/// <summary>
/// The one reader of a Llama-family <c>config.json</c> (<c>model_type</c> <c>llama</c>, <c>mistral</c> or <c>qwen2</c>), used
/// by <see cref="LlamaModel.Load(string)"/>, counting and the CLI alike.
/// </summary>
/// <remarks>
/// <para>Strict, as <see cref="Gpt2.Gpt2ConfigJson"/> is: every key must be one this reader uses or one known not to change
/// the weights or the forward pass (bookkeeping, token ids, dropout, initialization). Any other key, and any value this
/// implementation does not follow — another activation than SiLU, <c>dynamic</c> / <c>yarn</c> / <c>longrope</c> rope
/// scaling — is a <see cref="ModelConfigException"/> naming the setting, because a configuration ignored in part runs a
/// different model than the one described. A sliding window shorter than <c>max_position_embeddings</c> caps
/// <see cref="LlamaConfig.ContextLength"/> at the window, where full attention and the window agree.</para>
/// <para>Reads both spellings of the rotary settings: <c>rope_theta</c> + <c>rope_scaling</c> (transformers 4) and
/// <c>rope_parameters</c> (transformers 5). Parsed with <see cref="JsonDocument"/>, so it works under NativeAOT.</para>
/// </remarks>
public static class LlamaConfigJson
{
    /// <summary>Keys that change nothing this library computes: those every reader ignores, and the Llama family's own.</summary>
    private static readonly HashSet<string> Harmless = ConfigFields.Harmless(
        "attention_dropout",
        // pretraining_tp > 1 makes transformers split each projection into slices and add them up: the same product.
        "pretraining_tp",
        // SmolLM2's configs carry this marker from nanotron, which transformers stores and never reads.
        "is_llama_config");

    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    /// <param name="path">A <c>config.json</c> file.</param>
    /// <returns>The hyperparameters.</returns>
    /// <exception cref="ModelConfigException">The file is not a Llama-family configuration this library can run (the message names the file and the setting).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static LlamaConfig Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(ConfigLimits.ReadConfigFile(path), path);
    }

    /// <summary>Parses the UTF-8 JSON text of a <c>config.json</c>.</summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <param name="source">Named in error messages (a path, or any label).</param>
    /// <returns>The hyperparameters.</returns>
    /// <exception cref="ModelConfigException">The bytes are not UTF-8 JSON, a required setting is missing or mistyped, or a setting is unknown or unsupported.</exception>
    public static LlamaConfig Parse(ReadOnlySpan<byte> utf8Json, string source = "config.json") => ConfigFields.Parse(utf8Json, source, Read);

    private static LlamaConfig Read(JsonElement root, ConfigFields f)
    {
        string source = f.Source;
        // Without a model_type the settings are Llama's, as the Llama-style configs written before the key existed mean.
        string type = f.OptionalString("model_type") ?? "llama";
        if (type is not ("llama" or "mistral" or "qwen2"))
        {
            throw new ModelConfigException(source, "model_type", $"model_type '{type}' is not a Llama-family type (llama, mistral, qwen2)");
        }
        f.RejectUnknown(IsRead, Harmless, type);
        int hidden = f.PositiveInt("hidden_size");
        int heads = f.PositiveInt("num_attention_heads");
        int kvHeads = f.Has("num_key_value_heads") ? f.PositiveInt("num_key_value_heads") : heads;
        if (heads % kvHeads != 0)
        {
            throw new ModelConfigException(source, "num_key_value_heads", $"'num_attention_heads' {heads} is not a positive multiple of 'num_key_value_heads' {kvHeads}");
        }
        int headDim = f.Has("head_dim") ? f.PositiveInt("head_dim") : 0;
        if (headDim == 0 && hidden % heads != 0)
        {
            throw new ModelConfigException(source, "num_attention_heads", $"'hidden_size' {hidden} is not a multiple of 'num_attention_heads' {heads}, and no 'head_dim' is given");
        }
        if ((long)heads * (headDim == 0 ? hidden / heads : headDim) > int.MaxValue)
        {
            throw new ModelConfigException(source, "head_dim", $"{heads} heads of {headDim} channels make a query {(long)heads * headDim} wide, past 32 bits");
        }
        if ((headDim == 0 ? hidden / heads : headDim) % 2 != 0)
        {
            throw new ModelConfigException(source, "head_dim", $"the head width {(headDim == 0 ? hidden / heads : headDim)} is odd: rotary positions rotate pairs of channels");
        }
        double epsilon = f.OptionalNumber("rms_norm_eps") ?? 1e-6;
        if (!(epsilon > 0 && epsilon < 1))
        {
            throw new ModelConfigException(source, "rms_norm_eps", $"'rms_norm_eps' {epsilon} must lie in (0, 1)");
        }
        if (f.OptionalBool("rope_interleaved") == true)
        {
            throw new ModelConfigException(source, "rope_interleaved", "'rope_interleaved' true is not supported: transformers' Llama rotates channel i with i + head_dim/2 (rotate_half), not adjacent pairs");
        }
        if (f.OptionalBool("use_mrope") == true)
        {
            throw new ModelConfigException(source, "use_mrope", "'use_mrope' true (multimodal rotary positions) is not supported");
        }
        if (f.OptionalString("hidden_act") is string act && act != "silu")
        {
            throw new ModelConfigException(source, "hidden_act", $"hidden_act '{act}' is not supported; the Llama family's gated MLP uses 'silu'");
        }
        bool attentionBias = f.OptionalBool("attention_bias") ?? false;
        if (attentionBias && type != "llama")
        {
            throw new ModelConfigException(source, "attention_bias", $"'attention_bias' true is not a {type} setting: transformers' {type} attention ignores it, so which biases are meant is unclear");
        }
        // transformers' defaults when the key is absent: LlamaConfig 2,048, MistralConfig 4,096 x 32, Qwen2Config 32,768.
        int positions = f.Has("max_position_embeddings") ? f.PositiveInt("max_position_embeddings") : type switch { "mistral" => 131072, "qwen2" => 32768, _ => 2048 };
        (double theta, LlamaRopeScaling? scaling) = ReadRope(f, root, positions, source);
        int context = Context(f, root, type, positions, source);
        return new LlamaConfig(f.PositiveInt("vocab_size"), hidden, f.PositiveInt("intermediate_size"), ConfigLimits.CheckLayers(source, "num_hidden_layers", f.PositiveInt("num_hidden_layers")), heads, kvHeads,
            f.OptionalBool("tie_word_embeddings") ?? false,
            (float)epsilon, attentionBias, headDim)
        {
            ModelType = type,
            ContextLength = context,
            RopeTheta = theta,
            RopeScaling = scaling,
            MlpBias = f.OptionalBool("mlp_bias") ?? false,
        };
    }

    /// <summary>
    /// The context this implementation runs exactly. A sliding window changes attention only for sequences longer than
    /// the window, and this implementation attends to every earlier position, so a window shorter than
    /// <c>max_position_embeddings</c> caps the context at the window: every sequence the model then accepts is computed as
    /// transformers computes it, and a longer one is refused rather than attended differently. (Mistral-7B-v0.1's config
    /// sets a 4,096-token window below 32,768 positions; it runs with a 4,096-token context.)
    /// </summary>
    private static int Context(ConfigFields f, JsonElement root, string type, int positions, string source)
    {
        // Qwen2 declares a window but applies it only with use_sliding_window true (and then only above max_window_layers).
        bool applies = type != "qwen2" || (f.OptionalBool("use_sliding_window") ?? false);
        _ = f.OptionalInt("max_window_layers");
        // MistralConfig's default window is 4,096: only an explicit null switches it off.
        int? window = type == "mistral" && !root.TryGetProperty("sliding_window", out _) ? 4096 : f.OptionalInt("sliding_window");
        if (window is int w && w <= 0)
        {
            throw new ModelConfigException(source, "sliding_window", $"'sliding_window' must be positive or null, not {w}");
        }
        if (root.TryGetProperty("layer_types", out JsonElement types) && types.ValueKind != JsonValueKind.Null)
        {
            if (types.ValueKind != JsonValueKind.Array)
            {
                throw new ModelConfigException(source, "layer_types", $"'layer_types' must be an array, not {types.GetRawText()}");
            }
            foreach (JsonElement layer in types.EnumerateArray())
            {
                if (layer.ValueKind != JsonValueKind.String || layer.GetString() is not ("full_attention" or "sliding_attention"))
                {
                    throw new ModelConfigException(source, "layer_types", $"'layer_types' holds {layer.GetRawText()}; only \"full_attention\" and \"sliding_attention\" are known");
                }
            }
        }
        return applies && window is int limit ? Math.Min(positions, limit) : positions;
    }

    /// <summary>Reads θ and the scaling from <c>rope_theta</c> + <c>rope_scaling</c>, or from transformers 5's <c>rope_parameters</c>.</summary>
    private static (double Theta, LlamaRopeScaling? Scaling) ReadRope(ConfigFields f, JsonElement root, int positions, string source)
    {
        double? theta = f.OptionalNumber("rope_theta");
        string scalingKey = "rope_scaling";
        JsonElement? scaling = Object(root, "rope_scaling", source);
        if (Object(root, "rope_parameters", source) is JsonElement parameters)
        {
            if (scaling is not null)
            {
                throw new ModelConfigException(source, "rope_parameters", "both 'rope_parameters' and 'rope_scaling' are given: which rotary setting is meant is unclear");
            }
            var p = new ConfigFields(parameters, source + " (rope_parameters)");
            if (p.OptionalNumber("rope_theta") is double inner)
            {
                if (theta is double outer && outer != inner)
                {
                    throw new ModelConfigException(source, "rope_theta", $"'rope_theta' {outer} differs from 'rope_parameters.rope_theta' {inner}");
                }
                theta = inner;
            }
            scaling = parameters;
            scalingKey = "rope_parameters";
        }
        double resolvedTheta = theta ?? 10000;
        if (!(resolvedTheta > 1))
        {
            throw new ModelConfigException(source, "rope_theta", $"'rope_theta' {resolvedTheta} must be greater than 1");
        }
        return (resolvedTheta, scaling is JsonElement s ? Scaling(s, scalingKey, positions, source) : null);
    }

    private static JsonElement? Object(JsonElement root, string key, string source)
    {
        if (!root.TryGetProperty(key, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Object ? value : throw new ModelConfigException(source, key, $"'{key}' must be an object or null, not {value.GetRawText()}");
    }

    private static LlamaRopeScaling? Scaling(JsonElement element, string key, int positions, string source)
    {
        var s = new ConfigFields(element, $"{source} ({key})");
        string? type = s.OptionalString("rope_type") ?? s.OptionalString("type");
        if (s.OptionalString("rope_type") is string a && s.OptionalString("type") is string b && a != b)
        {
            throw new ModelConfigException(source, key, $"'{key}' names two types, '{a}' and '{b}'");
        }
        string[] allowed = type switch
        {
            null or "default" => [],
            "linear" => ["factor"],
            "llama3" => ["factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings"],
            "dynamic" => throw new ModelConfigException(source, key, $"'{key}' type 'dynamic' is not supported: dynamic NTK scaling changes every rotary frequency " +
                "with the sequence length (supported: linear, llama3)"),
            _ => throw new ModelConfigException(source, key, $"'{key}' type '{type}' is not supported (supported: linear, llama3)"),
        };
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (property.Name is not ("rope_type" or "type" or "rope_theta") && !allowed.Contains(property.Name))
            {
                throw new ModelConfigException(source, key, $"'{key}.{property.Name}' is not a setting of rope type '{type ?? "default"}' this library reads");
            }
        }
        if (allowed.Length == 0)
        {
            return null;
        }
        double factor = s.OptionalNumber("factor") ?? throw new ModelConfigException(source, key, $"'{key}' of type '{type}' needs a 'factor'");
        if (!(factor >= 1))
        {
            throw new ModelConfigException(source, key, $"'{key}.factor' {factor.ToString(CultureInfo.InvariantCulture)} must be at least 1");
        }
        if (type == "linear")
        {
            return new LlamaRopeScaling(LlamaRopeScalingKind.Linear, factor);
        }
        double low = s.OptionalNumber("low_freq_factor") ?? throw new ModelConfigException(source, key, $"'{key}' of type 'llama3' needs 'low_freq_factor'");
        double high = s.OptionalNumber("high_freq_factor") ?? throw new ModelConfigException(source, key, $"'{key}' of type 'llama3' needs 'high_freq_factor'");
        int original = s.OptionalInt("original_max_position_embeddings") ?? throw new ModelConfigException(source, key, $"'{key}' of type 'llama3' needs 'original_max_position_embeddings'");
        if (!(low > 0 && high > low) || original <= 0 || original > positions)
        {
            throw new ModelConfigException(source, key, $"'{key}' needs 0 < low_freq_factor ({low}) < high_freq_factor ({high}) and 0 < original_max_position_embeddings ({original}) <= max_position_embeddings ({positions})");
        }
        return new LlamaRopeScaling(LlamaRopeScalingKind.Llama3, factor, low, high, original);
    }

    private static bool IsRead(string key) => key is "model_type" or "vocab_size" or "hidden_size" or "intermediate_size" or "num_hidden_layers"
        or "num_attention_heads" or "num_key_value_heads" or "head_dim" or "rms_norm_eps" or "hidden_act" or "attention_bias" or "mlp_bias"
        or "tie_word_embeddings" or "max_position_embeddings" or "rope_theta" or "rope_scaling" or "rope_parameters"
        or "sliding_window" or "use_sliding_window" or "max_window_layers" or "layer_types" or "rope_interleaved" or "use_mrope";
}

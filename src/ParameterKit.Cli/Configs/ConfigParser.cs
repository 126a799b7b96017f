using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using ParameterKit.Models.Gpt2;
using ParameterKit.Counting.Architectures;
using ParameterKit.Models;
using ParameterKit.Transformers;

namespace ParameterKit.Cli.Configs;

/// <summary>
/// Reads a Hugging Face <c>config.json</c> of a GPT-2 or Llama / Mistral style model into a
/// <see cref="ModelConfig"/>, or resolves a built-in name (<c>gpt2</c>, <c>gpt3-175b</c>, <c>llama-2-7b</c>, ...).
/// </summary>
/// <remarks>
/// The layout is chosen by <c>model_type</c> (<c>gpt2</c>; <c>llama</c> or <c>mistral</c>), or, when that is
/// absent, by the width key (<c>n_embd</c> is GPT-2's, <c>hidden_size</c> Llama's). Each field is read with its
/// exact JSON type, and every failure names the field. A GPT-2 config is read by the library's one strict reader,
/// <see cref="Gpt2ConfigJson"/> (the one <c>Gpt2Model.Load</c> uses). For Llama, keys the count does not use must
/// be on <see cref="HarmlessConfigKeys"/>; values that would change the layout in a way ParameterKit does not model
/// (<c>mlp_bias</c> true) are refused rather than ignored.
/// </remarks>
internal static class ConfigParser
{
    private static readonly HashSet<string> LlamaKeys = new(StringComparer.Ordinal)
    {
        "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
        "tie_word_embeddings", "rms_norm_eps", "attention_bias", "head_dim", "mlp_bias",
    };

    /// <summary>
    /// Resolves <paramref name="configOrName"/>: an existing file is parsed, anything else must be a known name.
    /// </summary>
    /// <exception cref="CliException">Not a file nor a known name, or the file is invalid.</exception>
    public static ModelConfig Resolve(string configOrName)
    {
        ArgumentNullException.ThrowIfNull(configOrName);
        if (File.Exists(configOrName))
        {
            return Parse(File.ReadAllBytes(configOrName), configOrName);
        }
        if (Directory.Exists(configOrName) && File.Exists(Path.Combine(configOrName, "config.json")))
        {
            string path = Path.Combine(configOrName, "config.json");
            return Parse(File.ReadAllBytes(path), path);
        }
        string? known = KnownArchitectures.Names.FirstOrDefault(n => string.Equals(n, configOrName, StringComparison.OrdinalIgnoreCase));
        if (known is not null)
        {
            return KnownConfigs.Find(known) switch
            {
                Gpt2Config gpt2 => Describe(known, gpt2),
                LlamaConfig llama => Describe(known, llama),
                // A name the library learned after this table: still counted exactly, without the settings.
                _ => new ModelConfig(known, "known", [],
                    () => KnownArchitectures.TryDeclare(known, out var store) ? store : throw new InvalidOperationException(known)),
            };
        }
        throw new CliException(configOrName.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "NotFound" : "InvalidConfig",
            $"'{configOrName}' is neither a config.json file nor a known model name ({string.Join(", ", KnownArchitectures.Names)})");
    }

    /// <summary>Parses config JSON.</summary>
    /// <param name="json">The UTF-8 file contents.</param>
    /// <param name="source">The file name, for messages.</param>
    /// <exception cref="CliException">The JSON is invalid, a field is missing, mistyped, unknown or unsupported.</exception>
    public static ModelConfig Parse(ReadOnlySpan<byte> json, string source)
    {
        // JsonDocument checks UTF-8 only in the tokens it decodes, and a lone surrogate escape ("\ud800") only
        // when a string is read; both then surface as InvalidOperationException, which must not escape as a crash.
        if (!Utf8.IsValid(json))
        {
            throw Invalid(source, "not valid UTF-8");
        }
        try
        {
            return ParseDocument(json, source);
        }
        catch (InvalidOperationException e)
        {
            throw Invalid(source, $"holds an invalid string ({e.Message})");
        }
    }

    private static ModelConfig ParseDocument(ReadOnlySpan<byte> json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw Invalid(source, $"not valid JSON ({e.Message})");
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(source, "a config must be a JSON object");
            }
            var fields = new Fields(root, source);
            string family = Family(fields, source);
            if (family == "gpt2")
            {
                return Gpt2(json, source);
            }
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (!LlamaKeys.Contains(property.Name) && !HarmlessConfigKeys.Contains(property.Name))
                {
                    throw Invalid(source, $"unknown field '{property.Name}': it is not a {family} field this count uses, nor a key known " +
                        "not to change the parameter count, so counting would silently ignore it");
                }
            }
            return Llama(fields, source);
        }
    }

    private static string Family(Fields fields, string source)
    {
        string? modelType = fields.OptionalString("model_type");
        return modelType switch
        {
            "gpt2" => "gpt2",
            "llama" or "mistral" => "llama",
            null when fields.Has("n_embd") => "gpt2",
            null when fields.Has("hidden_size") => "llama",
            null => throw Invalid(source, "cannot tell the layout: no 'model_type', 'n_embd' or 'hidden_size'"),
            _ => throw Invalid(source, $"model_type '{modelType}' is not supported (supported: gpt2, llama, mistral)"),
        };
    }

    /// <summary>GPT-2 goes through the library's one reader, <see cref="Gpt2ConfigJson"/>, which the model's loader uses too.</summary>
    private static ModelConfig Gpt2(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            return Describe(source, Gpt2ConfigJson.Parse(json, source));
        }
        catch (ModelConfigException e)
        {
            throw new CliException("InvalidConfig", e.Message);
        }
    }

    private static ModelConfig Llama(Fields f, string source)
    {
        int heads = f.PositiveInt("num_attention_heads");
        int kvHeads = f.OptionalInt("num_key_value_heads") ?? heads;
        if (f.OptionalBool("mlp_bias") == true)
        {
            throw Invalid(source, "'mlp_bias' true: the Llama layout counted here has no MLP biases");
        }
        var config = new LlamaConfig(f.PositiveInt("vocab_size"), f.PositiveInt("hidden_size"), f.PositiveInt("intermediate_size"),
            f.PositiveInt("num_hidden_layers"), heads, kvHeads, f.OptionalBool("tie_word_embeddings") ?? false,
            (float)(f.OptionalNumber("rms_norm_eps") ?? 1e-5), f.OptionalBool("attention_bias") ?? false, f.OptionalInt("head_dim") ?? 0);
        if (kvHeads <= 0 || heads % kvHeads != 0)
        {
            throw Invalid(source, $"'num_attention_heads' {heads} is not a positive multiple of 'num_key_value_heads' {kvHeads}");
        }
        return Describe(source, config);
    }

    private static ModelConfig Describe(string name, Gpt2Config c) => new(name, "gpt2",
        [("vocab_size", Text(c.VocabSize)), ("n_positions", Text(c.Positions)), ("n_embd", Text(c.Channels)),
         ("n_layer", Text(c.Layers)), ("n_head", Text(c.Heads)), ("tie_word_embeddings", c.TieWordEmbeddings ? "true" : "false")],
        c.Declare);

    private static ModelConfig Describe(string name, LlamaConfig c) => new(name, "llama",
        [("vocab_size", Text(c.VocabSize)), ("hidden_size", Text(c.Hidden)), ("intermediate_size", Text(c.Intermediate)),
         ("num_hidden_layers", Text(c.Layers)), ("num_attention_heads", Text(c.Heads)), ("num_key_value_heads", Text(c.KeyValueHeads)),
         ("head_dim", Text(c.ResolvedHeadDim)), ("tie_word_embeddings", c.TieEmbeddings ? "true" : "false"),
         ("attention_bias", c.AttentionBias ? "true" : "false")],
        c.Declare);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static CliException Invalid(string source, string detail) => new("InvalidConfig", $"{source}: {detail}");

    /// <summary>Typed access to the config's fields; every failure names the field and what it held.</summary>
    private readonly struct Fields(JsonElement root, string source)
    {
        public bool Has(string key) => root.TryGetProperty(key, out JsonElement v) && v.ValueKind != JsonValueKind.Null;

        public int PositiveInt(string key) => OptionalInt(key) is int value
            ? value > 0 ? value : throw Invalid(source, $"'{key}' must be positive, not {value}")
            : throw Invalid(source, $"missing required field '{key}'");

        public int? OptionalInt(string key) => Get(key) is JsonElement v
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw Invalid(source, $"'{key}' must be an integer, not {v.GetRawText()}")
            : null;

        public double? OptionalNumber(string key) => Get(key) is JsonElement v
            ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Invalid(source, $"'{key}' must be a number, not {v.GetRawText()}")
            : null;

        public bool? OptionalBool(string key) => Get(key) is JsonElement v
            ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Invalid(source, $"'{key}' must be true or false, not {v.GetRawText()}")
            : null;

        public string? OptionalString(string key) => Get(key) is JsonElement v
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw Invalid(source, $"'{key}' must be a string, not {v.GetRawText()}")
            : null;

        private JsonElement? Get(string key) =>
            root.TryGetProperty(key, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? v : null;
    }
}

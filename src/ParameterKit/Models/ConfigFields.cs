using System.Text.Json;
using System.Text.Unicode;

namespace ParameterKit.Models;

/// <summary>
/// Typed access to a <c>config.json</c> object's settings, each read with its exact JSON type; every failure is a
/// <see cref="ModelConfigException"/> naming the setting and what it held. A JSON <c>null</c> counts as absent, as
/// transformers writes <c>"n_inner": null</c> for "the default".
/// </summary>
internal readonly struct ConfigFields(JsonElement root, string source)
{
    /// <summary>
    /// Keys every architecture's reader accepts and ignores, because they change nothing this library computes:
    /// bookkeeping, token ids, training-only and other classes' settings that transformers writes into any config.
    /// </summary>
    private static readonly string[] CommonHarmless =
    [
        "architectures", "torch_dtype", "dtype", "transformers_version", "_name_or_path", "tokenizer_class",
        "task_specific_params", "id2label", "label2id", "return_dict", "torchscript", "output_attentions",
        "output_hidden_states", "use_return_dict", "is_decoder", "is_encoder_decoder", "gradient_checkpointing",
        "bos_token_id", "eos_token_id", "pad_token_id", "sep_token_id", "decoder_start_token_id",
        "initializer_range", "use_cache", "attn_implementation",
        // Written by older transformers releases (distilgpt2's config.json on the Hub has _num_labels): the former name
        // of use_cache, and the label count of a classification head that a causal language model does not have.
        "output_past", "_num_labels", "num_labels",
    ];

    /// <summary>The keys every reader ignores (<see cref="CommonHarmless"/>) and an architecture's own <paramref name="more"/>.</summary>
    public static HashSet<string> Harmless(params string[] more) => new([.. CommonHarmless, .. more], StringComparer.Ordinal);

    /// <summary>
    /// Checks that <paramref name="utf8Json"/> is UTF-8 JSON holding an object and hands it to <paramref name="read"/>; every
    /// failure, the reader's own included, is a <see cref="ModelConfigException"/> naming <paramref name="source"/>.
    /// </summary>
    public static T Parse<T>(ReadOnlySpan<byte> utf8Json, string source, Func<JsonElement, ConfigFields, T> read)
    {
        ArgumentNullException.ThrowIfNull(source);
        // JsonDocument checks UTF-8 only in the tokens it decodes, and a lone surrogate escape ("\ud800") only when a
        // string is read; both then surface as InvalidOperationException, which must not escape as a crash.
        if (!Utf8.IsValid(utf8Json))
        {
            throw new ModelConfigException(source, null, "not valid UTF-8");
        }
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new ModelConfigException(source, null, $"not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            try
            {
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new ModelConfigException(source, null, "a config must be a JSON object");
                }
                return read(root, new ConfigFields(root, source));
            }
            catch (InvalidOperationException e)
            {
                throw new ModelConfigException(source, null, $"holds an invalid string ({e.Message})", e);
            }
        }
    }

    /// <summary>
    /// Refuses the first key that is neither <paramref name="known"/> (read, or known not to change the model) nor in
    /// <paramref name="harmless"/>: a configuration ignored in part runs, or counts, a different model than the one described.
    /// </summary>
    /// <param name="known">Whether the architecture's reader reads, or knowingly ignores, a key.</param>
    /// <param name="harmless">The architecture's <see cref="Harmless"/> keys.</param>
    /// <param name="family">Named in the message (<c>GPT-2</c>, <c>llama</c>, ...).</param>
    public void RejectUnknown(Func<string, bool> known, HashSet<string> harmless, string family)
    {
        foreach (JsonProperty property in root.EnumerateObject())
        {
            string key = property.Name;
            if (!known(key) && !harmless.Contains(key))
            {
                throw new ModelConfigException(source, key, $"unknown field '{key}': it is not a {family} setting this library reads, nor one known " +
                    "not to change the model, so running or counting would silently ignore it");
            }
        }
    }

    /// <summary>The file (or label) named in error messages.</summary>
    public string Source => source;

    public bool Has(string key) => Get(key) is not null;

    public int PositiveInt(string key) => OptionalInt(key) is int value
        ? value > 0 ? value : throw new ModelConfigException(source, key, $"'{key}' must be positive, not {value}")
        : throw new ModelConfigException(source, key, $"missing required field '{key}'");

    public int? OptionalInt(string key) => Get(key) is JsonElement v
        ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw new ModelConfigException(source, key, $"'{key}' must be an integer, not {v.GetRawText()}")
        : null;

    public double? OptionalNumber(string key) => Get(key) is JsonElement v
        ? v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && double.IsFinite(d) ? d : throw new ModelConfigException(source, key, $"'{key}' must be a finite number, not {v.GetRawText()}")
        : null;

    public bool? OptionalBool(string key) => Get(key) is JsonElement v
        ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new ModelConfigException(source, key, $"'{key}' must be true or false, not {v.GetRawText()}")
        : null;

    public string? OptionalString(string key) => Get(key) is JsonElement v
        ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw new ModelConfigException(source, key, $"'{key}' must be a string, not {v.GetRawText()}")
        : null;

    private JsonElement? Get(string key) => root.TryGetProperty(key, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? v : null;
}

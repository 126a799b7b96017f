using System.Text.Json;
using ParameterKit.Counting.Architectures;

namespace ParameterKit.Transformers;

/// <summary>
/// Reads a Hugging Face GPT-2 <c>config.json</c> into a <see cref="Gpt2Config"/>: <c>vocab_size</c> (V),
/// <c>n_positions</c> (or the older <c>n_ctx</c>), <c>n_embd</c> (C), <c>n_layer</c>, <c>n_head</c> and
/// <c>layer_norm_epsilon</c>. Settings that would change the computation in ways this implementation does not
/// follow (another activation, an MLP width other than 4C) are refused rather than silently ignored.
/// </summary>
/// <remarks>
/// Parsed with <see cref="JsonDocument"/>, which needs no reflection, so this works under NativeAOT and trimming.
/// </remarks>
public static class Gpt2ConfigJson
{
    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    /// <param name="path">A <c>config.json</c> file.</param>
    /// <returns>The hyperparameters.</returns>
    /// <exception cref="FormatException">The file is not a GPT-2 configuration this library can run (the message names the file and the key).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Gpt2Config Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses the UTF-8 JSON text of a <c>config.json</c>.</summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <param name="source">Named in error messages (a path, or any label).</param>
    /// <returns>The hyperparameters.</returns>
    /// <exception cref="FormatException">The JSON is malformed, a required key is missing or not an integer, or a setting is unsupported.</exception>
    public static Gpt2Config Parse(ReadOnlySpan<byte> utf8Json, string source = "config.json")
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not valid JSON ({e.Message}).", e);
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{source}: the configuration must be a JSON object.");
            }
            int channels = RequiredInt(root, "n_embd", source);
            int positions = root.TryGetProperty("n_positions", out _) ? RequiredInt(root, "n_positions", source) : RequiredInt(root, "n_ctx", source);
            int vocab = RequiredInt(root, "vocab_size", source);
            int layers = RequiredInt(root, "n_layer", source);
            int heads = RequiredInt(root, "n_head", source);
            float epsilon = 1e-5f;
            if (root.TryGetProperty("layer_norm_epsilon", out JsonElement eps))
            {
                epsilon = eps.ValueKind == JsonValueKind.Number ? eps.GetSingle() : throw new FormatException($"{source}: 'layer_norm_epsilon' must be a number.");
            }
            if (root.TryGetProperty("activation_function", out JsonElement act) && act.ValueKind == JsonValueKind.String)
            {
                // gelu_new, gelu_pytorch_tanh and gelu_fast are all the tanh approximation (gelu_fast rewrites the same
                // polynomial); the exact erf GELU would differ by up to about 1e-3 and is not implemented.
                string name = act.GetString()!;
                if (name is not ("gelu_new" or "gelu_pytorch_tanh" or "gelu_fast"))
                {
                    throw new FormatException($"{source}: activation_function '{name}' is not supported; GPT-2 uses the tanh approximation ('gelu_new').");
                }
            }
            if (root.TryGetProperty("n_inner", out JsonElement inner) && inner.ValueKind == JsonValueKind.Number && inner.GetInt32() != 4 * channels)
            {
                throw new FormatException($"{source}: n_inner {inner.GetInt32()} is not supported; the MLP is 4 x n_embd = {4 * channels} wide.");
            }
            if (heads <= 0 || channels <= 0 || channels % heads != 0)
            {
                throw new FormatException($"{source}: n_embd {channels} must be a positive multiple of n_head {heads}.");
            }
            if (vocab <= 0 || positions <= 0 || layers < 0)
            {
                throw new FormatException($"{source}: vocab_size {vocab} and n_positions {positions} must be positive and n_layer {layers} not negative.");
            }
            bool tied = true;
            if (root.TryGetProperty("tie_word_embeddings", out JsonElement tie))
            {
                tied = tie.ValueKind is JsonValueKind.True or JsonValueKind.False ? tie.GetBoolean() : throw new FormatException($"{source}: 'tie_word_embeddings' must be true or false.");
            }
            return new Gpt2Config(vocab, positions, channels, layers, heads, epsilon, tied);
        }
    }

    private static int RequiredInt(JsonElement root, string key, string source)
    {
        if (!root.TryGetProperty(key, out JsonElement value))
        {
            throw new FormatException($"{source}: the required key '{key}' is missing.");
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int result))
        {
            throw new FormatException($"{source}: '{key}' must be an integer, not {value.GetRawText()}.");
        }
        return result;
    }
}

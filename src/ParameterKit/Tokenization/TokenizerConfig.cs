using System.Text.Json;

namespace ParameterKit.Tokenization;

/// <summary>
/// What a model folder's <c>tokenizer_config.json</c> and <c>generation_config.json</c> say about special tokens and
/// chat: the beginning- and end-of-sequence tokens (text in the first, ids in the second), whether a
/// beginning-of-sequence token is added, the added tokens a SentencePiece model lacks, and the chat template.
/// </summary>
internal sealed class TokenizerConfig
{
    public string? BosToken { get; private init; }

    public string? EosToken { get; private init; }

    public bool? AddBosToken { get; private init; }

    public string? ChatTemplate { get; private init; }

    /// <summary><c>added_tokens_decoder</c>: id to token text, for tokens a <c>tokenizer.model</c> does not hold.</summary>
    public IReadOnlyDictionary<string, int> AddedTokens { get; private init; } = new Dictionary<string, int>();

    public int? GenerationBosId { get; private init; }

    public IReadOnlyList<int> GenerationEosIds { get; private init; } = [];

    /// <summary>A GGUF's settings: only whether to add the beginning-of-sequence token (null: the tokenizer's default);
    /// its special tokens are in the vocabulary and its ids in the SentencePiece model.</summary>
    public static TokenizerConfig OfGguf(bool? addBosToken) => new() { AddBosToken = addBosToken };

    public static TokenizerConfig Read(string folder)
    {
        string tokenizerConfigPath = Path.Combine(folder, "tokenizer_config.json");
        string generationConfigPath = Path.Combine(folder, "generation_config.json");
        string? bos = null, eos = null, template = null;
        bool? addBos = null;
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        if (File.Exists(tokenizerConfigPath))
        {
            using JsonDocument document = BoundedJsonFile.Read(tokenizerConfigPath);
            var root = new JsonElementReader(document.RootElement, tokenizerConfigPath, "");
            bos = TokenText(root, "bos_token");
            eos = TokenText(root, "eos_token");
            addBos = root.OptionalBool("add_bos_token");
            template = ReadTemplate(root);
            if (root.OptionalObject("added_tokens_decoder") is JsonElementReader decoder)
            {
                foreach (JsonProperty entry in decoder.Element.EnumerateObject())
                {
                    if (!int.TryParse(entry.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id))
                    {
                        throw decoder.Error(entry.Name, "is not a token id");
                    }
                    var token = new JsonElementReader(entry.Value, tokenizerConfigPath, decoder.Join(entry.Name));
                    if (entry.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw token.Error("must be an object with 'content'");
                    }
                    string content = token.RequiredString("content");
                    // As tokenizer.json's reader requires: an empty added token would match between every two characters.
                    added[content.Length > 0 ? content : throw token.Error("content", "is empty; an added token has text")] = id;
                }
            }
        }
        int? generationBos = null;
        var generationEos = new List<int>();
        if (File.Exists(generationConfigPath))
        {
            using JsonDocument document = BoundedJsonFile.Read(generationConfigPath);
            var root = new JsonElementReader(document.RootElement, generationConfigPath, "");
            generationBos = root.OptionalInt("bos_token_id");
            if (root.Get("eos_token_id") is JsonElement eosIds)
            {
                if (eosIds.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement id in eosIds.EnumerateArray())
                    {
                        generationEos.Add(root.ToInt(id, "eos_token_id"));
                    }
                }
                else
                {
                    generationEos.Add(root.ToInt(eosIds, "eos_token_id"));
                }
            }
        }
        return new TokenizerConfig
        {
            BosToken = bos,
            EosToken = eos,
            AddBosToken = addBos,
            ChatTemplate = template,
            AddedTokens = added,
            GenerationBosId = generationBos,
            GenerationEosIds = generationEos,
        };
    }

    /// <summary>A special token is written as its text or as an AddedToken object with a <c>content</c>.</summary>
    private static string? TokenText(JsonElementReader root, string key) => root.Get(key) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { ValueKind: JsonValueKind.Object } => root.RequiredObject(key).RequiredString("content"),
        JsonElement v => throw root.Error(key, $"must be a string or an object with 'content', not {JsonElementReader.Describe(v)}"),
    };

    /// <summary>
    /// <c>chat_template</c> is a string, or a list of named templates (transformers picks the one named "default").
    /// </summary>
    private static string? ReadTemplate(JsonElementReader root)
    {
        switch (root.Get("chat_template"))
        {
            case null:
                return null;
            case { ValueKind: JsonValueKind.String } v:
                return v.GetString();
            case { ValueKind: JsonValueKind.Array }:
                foreach (JsonElementReader named in root.OptionalArrayOfObjects("chat_template"))
                {
                    if (named.OptionalString("name") == "default")
                    {
                        return named.RequiredString("template");
                    }
                }
                throw root.Error("chat_template", "lists named templates but none is named 'default'");
            case JsonElement v:
                throw root.Error("chat_template", $"must be a string, not {JsonElementReader.Describe(v)}");
        }
    }
}

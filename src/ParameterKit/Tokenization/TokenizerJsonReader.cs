using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace ParameterKit.Tokenization;

/// <summary>
/// Builds Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/> from a Hugging Face <c>tokenizer.json</c> that describes a
/// byte-level BPE (Llama 3, Qwen2, SmolLM2, GPT-2): the vocabulary and merges go to <see cref="BpeOptions"/> unchanged,
/// the pre-tokenizer's regexes become a <see cref="SplitPreTokenizer"/>, the added tokens become special tokens, and
/// the post-processor tells whether a beginning-of-sequence token is prepended. Anything else the file asks for (a
/// WordPiece model, byte fallback, a normalizer other than NFC, a pre-tokenizer behaviour other than "Isolated") is a
/// <see cref="TokenizerFormatException"/> naming the setting, never a silently different tokenizer.
/// </summary>
internal static class TokenizerJsonReader
{
    /// <summary>
    /// GPT-2's split regex, which the Hub's <c>ByteLevel</c> pre-tokenizer applies when <c>use_regex</c> is true
    /// (tokenizers' <c>byte_level.rs</c>).
    /// </summary>
    internal const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>
    /// A pattern from the file runs on every encode: a catastrophic-backtracking regex must fail, not hang. The Hub's
    /// patterns match a piece in microseconds, so a second is generous.
    /// </summary>
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    /// <summary>What the file holds: the library's tokenizer and the facts the folder's other files need.</summary>
    internal sealed record Result(BpeTokenizer Tokenizer, IReadOnlyDictionary<string, int> AddedTokens, IReadOnlySet<string> SpecialTokens, string? PrependedToken, bool IgnoreMerges);

    public static Result Read(string path)
    {
        using JsonDocument document = BoundedJsonFile.Read(path);
        var root = new JsonElementReader(document.RootElement, path, "");
        JsonElementReader model = root.RequiredObject("model");
        string type = model.OptionalString("type") ?? "BPE";
        if (type != "BPE")
        {
            throw model.Error("type", $"is '{type}'; only BPE models are built from tokenizer.json (SentencePiece models load from tokenizer.model)");
        }
        if (model.OptionalBool("byte_fallback") == true)
        {
            throw model.Error("byte_fallback", "is true: this is a SentencePiece-style BPE; load the folder's tokenizer.model instead");
        }
        RequireEmpty(model, "continuing_subword_prefix");
        RequireEmpty(model, "end_of_word_suffix");
        if (model.Get("dropout") is JsonElement dropout && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() != 0)
        {
            throw model.Error("dropout", "is not zero; BPE dropout is a training-time augmentation and is not supported");
        }

        Dictionary<string, int> vocabulary = ReadVocabulary(model);
        List<string> merges = ReadMerges(model);
        (Dictionary<string, int> added, HashSet<string> special) = ReadAddedTokens(root);
        Normalizer? normalizer = ReadNormalizer(root);
        List<Regex> stages = [];
        ReadPreTokenizer(root, "pre_tokenizer", stages, out bool byteLevel);
        if (!byteLevel)
        {
            throw root.Error("pre_tokenizer", "has no ByteLevel step; only byte-level BPE tokenizers are built from tokenizer.json");
        }
        string? prepended = ReadPrependedToken(root, added);

        BpeTokenizer tokenizer;
        try
        {
            tokenizer = BpeTokenizer.Create(new BpeOptions(vocabulary)
            {
                Merges = merges,
                SpecialTokens = added,
                Normalizer = normalizer,
                PreTokenizer = new SplitPreTokenizer(added.Keys, stages),
                ByteLevel = true,
            });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new TokenizerFormatException(path, "model", "the vocabulary and merges do not form a BPE model: " + e.Message, e);
        }
        return new Result(tokenizer, added, special, prepended, model.OptionalBool("ignore_merges") == true);
    }

    private static void RequireEmpty(JsonElementReader model, string key)
    {
        if (model.OptionalString(key) is { Length: > 0 } value)
        {
            throw model.Error(key, $"is '{value}'; byte-level BPE uses none");
        }
    }

    private static Dictionary<string, int> ReadVocabulary(JsonElementReader model)
    {
        if (model.Get("vocab") is not JsonElement vocab || vocab.ValueKind != JsonValueKind.Object)
        {
            throw model.Error("vocab", "must be an object mapping each token to its id");
        }
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonProperty entry in vocab.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
            {
                throw model.Error("vocab", $"token {JsonSerializerEscape(entry.Name)} has id {JsonElementReader.Describe(entry.Value)}; ids are non-negative integers");
            }
            if (!vocabulary.TryAdd(entry.Name, id))
            {
                throw model.Error("vocab", $"token {JsonSerializerEscape(entry.Name)} appears twice");
            }
        }
        if (vocabulary.Count == 0)
        {
            throw model.Error("vocab", "is empty");
        }
        return vocabulary;
    }

    /// <summary>
    /// Merges come as "a b" strings (tokenizers before 0.20) or as ["a", "b"] pairs (since); the library takes the
    /// string form. A byte-level token never holds a space (the space byte is written 'Ġ'), so joining is lossless.
    /// </summary>
    private static List<string> ReadMerges(JsonElementReader model)
    {
        if (model.Get("merges") is not JsonElement mergesElement)
        {
            return [];
        }
        if (mergesElement.ValueKind != JsonValueKind.Array)
        {
            throw model.Error("merges", $"must be an array, not {JsonElementReader.Describe(mergesElement)}");
        }
        var merges = new List<string>(mergesElement.GetArrayLength());
        int index = 0;
        foreach (JsonElement merge in mergesElement.EnumerateArray())
        {
            string key = $"merges[{index++}]";
            if (merge.ValueKind == JsonValueKind.String)
            {
                string text = merge.GetString()!;
                if (text.Split(' ').Length != 2)
                {
                    throw model.Error(key, $"is {JsonElementReader.Describe(merge)}; a merge is two tokens separated by one space");
                }
                merges.Add(text);
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
            {
                string left = merge[0].GetString()!, right = merge[1].GetString()!;
                if (left.Contains(' ', StringComparison.Ordinal) || right.Contains(' ', StringComparison.Ordinal) || left.Length == 0 || right.Length == 0)
                {
                    throw model.Error(key, $"is {JsonElementReader.Describe(merge)}; byte-level merge tokens are non-empty and hold no space");
                }
                merges.Add(left + " " + right);
            }
            else
            {
                throw model.Error(key, $"is {JsonElementReader.Describe(merge)}; a merge is \"a b\" or [\"a\", \"b\"]");
            }
        }
        return merges;
    }

    private static (Dictionary<string, int> Added, HashSet<string> Special) ReadAddedTokens(JsonElementReader root)
    {
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        var special = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonElementReader token in root.OptionalArrayOfObjects("added_tokens"))
        {
            int id = token.OptionalInt("id") ?? throw token.Error("id", "is missing");
            string content = token.RequiredString("content");
            if (id < 0 || content.Length == 0)
            {
                throw token.Error($"has id {id} and content '{content}'; an added token has a non-negative id and non-empty text");
            }
            if (!added.TryAdd(content, id))
            {
                throw token.Error("content", $"'{content}' is added twice");
            }
            if (token.OptionalBool("special") == true)
            {
                special.Add(content);
            }
        }
        return (added, special);
    }

    private static NfcNormalizer? ReadNormalizer(JsonElementReader root)
    {
        if (root.OptionalObject("normalizer") is not JsonElementReader normalizer)
        {
            return null;
        }
        string type = normalizer.RequiredString("type");
        if (type == "NFC")
        {
            return NfcNormalizer.Instance;
        }
        if (type == "Sequence")
        {
            var members = normalizer.OptionalArrayOfObjects("normalizers").ToList();
            if (members.Count == 0)
            {
                return null;
            }
            if (members.Count == 1 && members[0].OptionalString("type") == "NFC")
            {
                return NfcNormalizer.Instance;
            }
        }
        throw normalizer.Error("type", $"is '{type}'; only the NFC normalizer (Qwen2) is supported for byte-level BPE");
    }

    /// <summary>Collects the regex stages of a pre-tokenizer (recursing into Sequence) and whether a ByteLevel step is present.</summary>
    private static void ReadPreTokenizer(JsonElementReader parent, string key, List<Regex> stages, out bool byteLevel)
    {
        byteLevel = false;
        if (parent.OptionalObject(key) is not JsonElementReader step)
        {
            return;
        }
        Visit(step, stages, ref byteLevel);
    }

    private static void Visit(JsonElementReader step, List<Regex> stages, ref bool byteLevel)
    {
        string type = step.RequiredString("type");
        switch (type)
        {
            case "Sequence":
                foreach (JsonElementReader member in step.OptionalArrayOfObjects("pretokenizers"))
                {
                    Visit(member, stages, ref byteLevel);
                }
                break;
            case "ByteLevel":
                if (step.OptionalBool("add_prefix_space") == true)
                {
                    throw step.Error("add_prefix_space", "is true; a prefix space is not supported (no Llama-family tokenizer uses it)");
                }
                if (step.OptionalBool("use_regex") ?? true)
                {
                    stages.Add(Compile(step, "use_regex", Gpt2Pattern));
                }
                byteLevel = true;
                break;
            case "Split":
                string behavior = step.OptionalString("behavior") ?? "Isolated";
                if (behavior != "Isolated")
                {
                    throw step.Error("behavior", $"is '{behavior}'; only 'Isolated' splits are supported");
                }
                if (step.OptionalBool("invert") == true)
                {
                    throw step.Error("invert", "is true; inverted splits are not supported");
                }
                JsonElementReader pattern = step.RequiredObject("pattern");
                if (pattern.OptionalString("Regex") is string regex)
                {
                    stages.Add(Compile(pattern, "Regex", regex));
                }
                else if (pattern.OptionalString("String") is { Length: > 0 } literal)
                {
                    stages.Add(Compile(pattern, "String", Regex.Escape(literal)));
                }
                else
                {
                    throw step.Error("pattern", "must hold a non-empty 'Regex' or 'String'");
                }
                break;
            case "Digits":
                // Each digit alone, or runs of digits; the text between is kept as its own piece by the split.
                stages.Add(Compile(step, "individual_digits", step.OptionalBool("individual_digits") == true ? @"\p{N}" : @"\p{N}+"));
                break;
            default:
                throw step.Error("type", $"is '{type}'; supported pre-tokenizers are Sequence, ByteLevel, Split (Isolated) and Digits");
        }
    }

    private static Regex Compile(JsonElementReader owner, string key, string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException e)
        {
            throw owner.Error(key, $"is not a regular expression .NET accepts: {e.Message}");
        }
    }

    /// <summary>
    /// The token a <c>TemplateProcessing</c> post-processor puts before a single sequence (Llama 3's
    /// <c>&lt;|begin_of_text|&gt;</c>), or <see langword="null"/> when none is (Qwen2, SmolLM2: <c>ByteLevel</c>).
    /// </summary>
    private static string? ReadPrependedToken(JsonElementReader root, Dictionary<string, int> added)
    {
        if (root.OptionalObject("post_processor") is not JsonElementReader post)
        {
            return null;
        }
        string type = post.RequiredString("type");
        if (type == "Sequence")
        {
            foreach (JsonElementReader member in post.OptionalArrayOfObjects("processors"))
            {
                if (member.OptionalString("type") == "TemplateProcessing")
                {
                    return FirstSpecialOfSingle(member, added);
                }
            }
            return null;
        }
        return type == "TemplateProcessing" ? FirstSpecialOfSingle(post, added) : null;
    }

    private static string? FirstSpecialOfSingle(JsonElementReader template, Dictionary<string, int> added)
    {
        if (template.Get("single") is not JsonElement single || single.ValueKind != JsonValueKind.Array || single.GetArrayLength() == 0)
        {
            return null;
        }
        JsonElement first = single[0];
        if (first.ValueKind == JsonValueKind.Object && first.TryGetProperty("SpecialToken", out JsonElement special)
            && special.ValueKind == JsonValueKind.Object && special.TryGetProperty("id", out JsonElement id) && id.ValueKind == JsonValueKind.String)
        {
            string token = id.GetString()!;
            return added.ContainsKey(token) ? token : throw template.Error("single", $"prepends '{token}', which is not an added token");
        }
        return null;
    }

    private static string JsonSerializerEscape(string token) => token.Length <= 40 ? $"'{token}'" : $"'{token[..40]}...'";
}

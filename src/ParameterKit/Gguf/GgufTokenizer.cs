using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using ParameterKit.Tokenization;

namespace ParameterKit.Gguf;

/// <summary>
/// Builds the tokenizer a GGUF file carries in its metadata as a Microsoft.ML.Tokenizers <see cref="BpeTokenizer"/>:
/// a byte-level BPE (<c>tokenizer.ggml.model</c> = <c>gpt2</c>, as llama.cpp's converter writes GPT-2's and every
/// byte-level BPE model's) from <c>tokenizer.ggml.tokens</c> (the vocabulary, id = position) and
/// <c>tokenizer.ggml.merges</c>, with the control and user-defined tokens of <c>tokenizer.ggml.token_type</c> as special
/// tokens. Anything else is a <see cref="TokenizerFormatException"/> naming the file and the key, never a silently
/// different tokenizer.
/// </summary>
/// <remarks>
/// <para>
/// The pre-tokenizer (how text is split before BPE) is not stored as a regex in GGUF: <c>tokenizer.ggml.pre</c> names it
/// and llama.cpp keeps a table. GPT-2's split (<c>gpt2</c>, or the key absent), Llama 3's (<c>llama-bpe</c>), Qwen2's
/// (<c>qwen2</c>, with its NFC normalization) and SmolLM's (<c>smollm</c>) are built here, with the other names llama.cpp
/// gives the same splits (<see cref="GgufPreTokenizers"/>); the rest split digits and punctuation in ways of their own, so
/// they are refused rather than approximated.
/// </para>
/// <para>
/// SentencePiece tokenizers (<c>llama</c>: Llama 2, TinyLlama, Mistral) are not BPE tokenizers: llama.cpp stores their
/// pieces, scores and types, from which <see cref="ModelTokenizer.FromGguf"/> rebuilds the <c>tokenizer.model</c>
/// Microsoft.ML.Tokenizers reads.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using GgufFile gguf = GgufFile.Open("gpt2.Q8_0.gguf");
/// BpeTokenizer tokenizer = GgufTokenizer.Create(gguf);
/// IReadOnlyList&lt;int&gt; ids = tokenizer.EncodeToIds("Hello, world"); // [15496, 11, 995]
/// </code>
/// </example>
public static class GgufTokenizer
{
    /// <summary>The key naming the tokenizer model.</summary>
    public const string ModelKey = "tokenizer.ggml.model";

    /// <summary>The key naming the pre-tokenizer.</summary>
    public const string PreTokenizerKey = "tokenizer.ggml.pre";

    /// <summary>The vocabulary: token strings, the id of each being its position.</summary>
    public const string TokensKey = "tokenizer.ggml.tokens";

    /// <summary>The BPE merges, <c>"a b"</c> strings, highest priority first.</summary>
    public const string MergesKey = "tokenizer.ggml.merges";

    /// <summary>Each token's type (llama.cpp's <c>llama_token_type</c>): 1 normal, 3 control, 4 user-defined, ...</summary>
    public const string TokenTypesKey = "tokenizer.ggml.token_type";

    /// <summary>The beginning-of-sequence token's id.</summary>
    public const string BeginOfSequenceIdKey = "tokenizer.ggml.bos_token_id";

    /// <summary>The end-of-sequence token's id.</summary>
    public const string EndOfSequenceIdKey = "tokenizer.ggml.eos_token_id";

    /// <summary>Whether encoding prepends the beginning-of-sequence token (a boolean).</summary>
    public const string AddBeginOfSequenceKey = "tokenizer.ggml.add_bos_token";

    /// <summary>The model's Jinja chat template.</summary>
    public const string ChatTemplateKey = "tokenizer.chat_template";

    /// <summary>llama.cpp's token types that are matched whole in text before splitting: control (3) and user-defined (4).</summary>
    private const long ControlToken = 3, UserDefinedToken = 4;

    /// <summary>
    /// A split pattern runs on every encode; GPT-2's matches a piece in microseconds, so a second is generous and a
    /// pathological input fails instead of hanging (as for <c>tokenizer.json</c>).
    /// </summary>
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Builds the tokenizer <paramref name="file"/>'s metadata describes.</summary>
    /// <param name="file">An open GGUF file.</param>
    /// <returns>
    /// The byte-level BPE tokenizer. Like <c>TiktokenTokenizer.CreateForModel("gpt2")</c> it adds no beginning-of-sequence
    /// token; the file's <c>tokenizer.ggml.bos_token_id</c> and <c>eos_token_id</c> can be read from <see cref="GgufFile.Metadata"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="file"/> is null.</exception>
    /// <exception cref="TokenizerFormatException">
    /// The file carries no tokenizer, or one that is not built here (a <c>llama</c> SentencePiece model, a pre-tokenizer
    /// <see cref="GgufPreTokenizers"/> does not know, Llama 3's whole-word rule: <see cref="ModelTokenizer.FromGguf"/>), or its vocabulary and merges do not form a BPE model; <see cref="TokenizerFormatException.Setting"/> names the key.
    /// </exception>
    /// <exception cref="GgufFormatException">A tokenizer key holds a value of the wrong type.</exception>
    public static BpeTokenizer Create(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        Built built = Build(file);
        if (built.Split.WholeWords)
        {
            throw new TokenizerFormatException(file.FilePath, PreTokenizerKey,
                $"is '{file.Metadata.GetString(PreTokenizerKey)}', whose tokenizer keeps a piece that is a whole vocabulary entry as one token, which a BpeTokenizer cannot; ModelTokenizer.FromGguf builds it");
        }
        return built.Tokenizer;
    }

    /// <summary>What <see cref="Build"/> reads: the BPE, the special tokens by text, the pre-tokenizer, and the vocabulary by id.</summary>
    internal sealed record Built(BpeTokenizer Tokenizer, IReadOnlyDictionary<string, int> SpecialTokens, GgufPreTokenizers.Split Split, string[] Tokens);

    /// <summary>Builds the byte-level BPE of <paramref name="file"/>'s metadata, whatever its pre-tokenizer's whole-word rule.</summary>
    internal static Built Build(GgufFile file)
    {
        GgufMetadata m = file.Metadata;
        if (!m.ContainsKey(ModelKey))
        {
            throw new TokenizerFormatException(file.FilePath, ModelKey, "is absent: the file carries no tokenizer");
        }
        string model = m.GetString(ModelKey);
        if (model != "gpt2")
        {
            throw new TokenizerFormatException(file.FilePath, ModelKey, $"is '{model}'; only 'gpt2' (byte-level BPE) tokenizers are built from GGUF metadata" +
                (model == "llama" ? " (a SentencePiece model: ModelTokenizer.FromGguf rebuilds it)" : ""));
        }
        string pre = m.ContainsKey(PreTokenizerKey) ? m.GetString(PreTokenizerKey) : "gpt2";
        if (!GgufPreTokenizers.TryGet(pre, out GgufPreTokenizers.Split split))
        {
            throw new TokenizerFormatException(file.FilePath, PreTokenizerKey,
                $"is '{pre}'; the pre-tokenizers built from GGUF metadata are GPT-2's, Llama 3's, Qwen2's and SmolLM's (and the names llama.cpp gives the same splits)");
        }
        string[] tokens = m.GetStringArray(TokensKey);
        if (tokens.Length == 0)
        {
            throw new TokenizerFormatException(file.FilePath, TokensKey, "is empty");
        }
        if (!m.ContainsKey(MergesKey))
        {
            throw new TokenizerFormatException(file.FilePath, MergesKey, "is absent; a BPE tokenizer needs its merges");
        }
        string[] merges = m.GetStringArray(MergesKey);
        long[] types = m.ContainsKey(TokenTypesKey) ? m.GetIntegerArray(TokenTypesKey) : [];
        if (types.Length != 0 && types.Length != tokens.Length)
        {
            throw new TokenizerFormatException(file.FilePath, TokenTypesKey, $"has {types.Length} entries for {tokens.Length} tokens");
        }

        var vocabulary = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < tokens.Length; id++)
        {
            // A repeated token (some converted vocabularies pad with copies) keeps its first id: encoding can only
            // produce one id per string, and the first is the one llama.cpp's own lookup finds.
            if (!vocabulary.TryAdd(tokens[id], id))
            {
                continue;
            }
            // A special token with no text can never be found in text, and splitting on "" would put it between every character.
            if (types.Length != 0 && types[id] is ControlToken or UserDefinedToken && tokens[id].Length > 0)
            {
                special[tokens[id]] = id;
            }
        }
        foreach ((string merge, int index) in merges.Select((merge, index) => (merge, index)))
        {
            // A byte-level token never holds a space (the space byte is written 'Ġ'), so a merge is exactly two parts.
            if (merge.Split(' ').Length != 2)
            {
                throw new TokenizerFormatException(file.FilePath, $"{MergesKey}[{index}]", $"is '{merge}', not two tokens separated by one space");
            }
        }
        try
        {
            return new Built(BpeTokenizer.Create(new BpeOptions(vocabulary)
            {
                Merges = merges,
                SpecialTokens = special,
                Normalizer = split.NormalizeNfc ? NfcNormalizer.Instance : null,
                PreTokenizer = new SplitPreTokenizer(special.Keys, [.. split.Stages.Select(stage => new Regex(stage, RegexOptions.CultureInvariant, RegexTimeout))]),
                ByteLevel = true,
            }), special, split, tokens);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new TokenizerFormatException(file.FilePath, MergesKey, "the vocabulary and merges do not form a BPE model: " + e.Message, e);
        }
    }
}

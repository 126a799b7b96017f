using Microsoft.ML.Tokenizers;
using ParameterKit.Gguf;

namespace ParameterKit.Tokenization;

/// <summary>
/// The tokenizer of a Hugging Face model folder, built with Microsoft.ML.Tokenizers: a SentencePiece
/// <c>tokenizer.model</c> (Llama 2, TinyLlama, Mistral) through <see cref="LlamaTokenizer"/>, or a byte-level BPE
/// <c>tokenizer.json</c> (Llama 3, Qwen2, SmolLM2) through <see cref="BpeTokenizer"/>; with the folder's special tokens
/// (<c>tokenizer_config.json</c>, <c>generation_config.json</c>) and its chat template.
/// </summary>
/// <remarks>
/// <para>
/// Encoding follows transformers: <see cref="Encode"/> prepends the beginning-of-sequence token when the model's
/// tokenizer does (<see cref="AddsBeginOfSequence"/>), and <see cref="EncodeChat"/> encodes a rendered chat template
/// without adding one, because the template writes it itself where the model expects it.
/// </para>
/// <example>
/// <code>
/// var tokenizer = ModelTokenizer.FromFolder("SmolLM2-135M-Instruct");
/// IReadOnlyList&lt;int&gt; prompt = tokenizer.EncodeChat([new ChatTemplateMessage("user", "Hi!")]);
/// // ... generate, stopping at any of tokenizer.EndOfSequenceIds ...
/// string reply = tokenizer.Decode(generated);
/// </code>
/// </example>
/// </remarks>
public sealed class ModelTokenizer
{
    private readonly HashSet<int> _specialIds;
    private readonly Func<IEnumerable<int>, string> _decode;
    private readonly Func<string, IReadOnlyList<int>> _encode;

    private ModelTokenizer(Tokenizer tokenizer, Func<string, IReadOnlyList<int>> encode, Func<IEnumerable<int>, string> decode, string? bosToken, int? bosId, bool addsBos,
        string? eosToken, IReadOnlyList<int> eosIds, HashSet<int> specialIds, ChatTemplate? chatTemplate)
    {
        Tokenizer = tokenizer;
        _encode = encode;
        _decode = decode;
        BeginOfSequenceToken = bosToken;
        BeginOfSequenceId = bosId;
        AddsBeginOfSequence = addsBos && bosId is not null;
        EndOfSequenceToken = eosToken;
        EndOfSequenceIds = eosIds;
        _specialIds = specialIds;
        ChatTemplate = chatTemplate;
    }

    /// <summary>
    /// The Microsoft.ML.Tokenizers tokenizer. It adds no beginning-of-sequence token itself (<see cref="Encode"/>
    /// does). Encode through <see cref="Encode"/> rather than this: for a <c>tokenizer.json</c> with
    /// <c>ignore_merges</c> (Llama 3), <see cref="Encode"/> also keeps a piece that is a whole vocabulary entry as one
    /// token, as Hugging Face does and the library's BPE does not. Decoding through either is the same.
    /// </summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>The beginning-of-sequence token's text (<c>&lt;s&gt;</c>, <c>&lt;|begin_of_text|&gt;</c>), or <see langword="null"/> (Qwen2).</summary>
    public string? BeginOfSequenceToken { get; }

    /// <summary>The beginning-of-sequence token's id, or <see langword="null"/>.</summary>
    public int? BeginOfSequenceId { get; }

    /// <summary>Whether <see cref="Encode"/> prepends <see cref="BeginOfSequenceId"/> (when asked to add special tokens).</summary>
    public bool AddsBeginOfSequence { get; }

    /// <summary>The end-of-sequence token's text from <c>tokenizer_config.json</c> (what chat templates write as <c>eos_token</c>).</summary>
    public string? EndOfSequenceToken { get; }

    /// <summary>
    /// Every id that ends generation: <c>generation_config.json</c>'s <c>eos_token_id</c> (one or a list: Llama 3.1
    /// lists <c>&lt;|end_of_text|&gt;</c>, <c>&lt;|eom_id|&gt;</c> and <c>&lt;|eot_id|&gt;</c>) and the id of
    /// <see cref="EndOfSequenceToken"/>, without repeats, in that order.
    /// </summary>
    public IReadOnlyList<int> EndOfSequenceIds { get; }

    /// <summary>The folder's chat template (<c>chat_template.jinja</c> or <c>tokenizer_config.json</c>'s <c>chat_template</c>), or <see langword="null"/>.</summary>
    public ChatTemplate? ChatTemplate { get; }

    /// <summary>
    /// Loads the tokenizer of a model folder: <c>tokenizer.model</c> when present (SentencePiece), otherwise
    /// <c>tokenizer.json</c> (byte-level BPE); then <c>tokenizer_config.json</c>, <c>generation_config.json</c> and
    /// <c>chat_template.jinja</c> when present.
    /// </summary>
    /// <param name="folder">The model folder.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="folder"/> is null.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="TokenizerFormatException">The folder has neither tokenizer file, or one of its files cannot be used; the message names the file and setting.</exception>
    /// <exception cref="ChatTemplateException">The chat template uses a construct the renderer does not support, or is not valid Jinja.</exception>
    public static ModelTokenizer FromFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Model folder '{folder}' does not exist.");
        }
        TokenizerConfig config = ValidText(Path.Combine(folder, "tokenizer_config.json"), () => TokenizerConfig.Read(folder));
        string sentencePiecePath = Path.Combine(folder, "tokenizer.model");
        string jsonPath = Path.Combine(folder, "tokenizer.json");
        ChatTemplate? template = ReadChatTemplate(folder, config);
        if (File.Exists(sentencePiecePath))
        {
            return FromSentencePiece(sentencePiecePath, config, template);
        }
        if (File.Exists(jsonPath))
        {
            return ValidText(jsonPath, () => FromTokenizerJson(jsonPath, config, template));
        }
        throw new TokenizerFormatException(Path.Combine(folder, "tokenizer.json"), null, "neither tokenizer.json nor tokenizer.model is in the folder");
    }

    /// <summary>
    /// Builds the tokenizer a GGUF file carries in its metadata, as llama.cpp would use it: the byte-level BPE of
    /// <see cref="GgufTokenizer"/>, with Llama 3's whole-word rule where the pre-tokenizer has it, or a SentencePiece
    /// model (<c>tokenizer.ggml.model = "llama"</c>: Llama 2, TinyLlama, Mistral) rebuilt from its pieces, scores and
    /// types; the beginning- and end-of-sequence tokens of <c>tokenizer.ggml.bos_token_id</c> / <c>eos_token_id</c>,
    /// whether to prepend the former
    /// (<c>tokenizer.ggml.add_bos_token</c>, or llama.cpp's default for the pre-tokenizer), and the chat template of
    /// <c>tokenizer.chat_template</c>.
    /// </summary>
    /// <param name="file">An open GGUF file.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="file"/> is null.</exception>
    /// <exception cref="TokenizerFormatException">The file carries no tokenizer or one not built here (see
    /// <see cref="GgufTokenizer.Create"/>), a SentencePiece vocabulary lacks one score and one type per token, or a token
    /// id key is outside the vocabulary; the message names the key.</exception>
    /// <exception cref="GgufFormatException">A tokenizer key holds a value of the wrong type.</exception>
    /// <exception cref="ChatTemplateException">The chat template uses a construct the renderer does not support, or is not valid Jinja.</exception>
    public static ModelTokenizer FromGguf(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        GgufMetadata metadata = file.Metadata;
        if (metadata.ContainsKey(GgufTokenizer.ModelKey) && metadata.GetString(GgufTokenizer.ModelKey) == "llama")
        {
            using var proto = new MemoryStream(GgufSentencePieceModel.Build(file), writable: false);
            return FromSentencePiece(proto, file.FilePath, TokenizerConfig.OfGguf(GgufAddsBos(file)), GgufChatTemplate(file));
        }
        GgufTokenizer.Built built = GgufTokenizer.Build(file);
        BpeTokenizer bpe = built.Tokenizer;
        int? Id(string key)
        {
            if (!metadata.ContainsKey(key))
            {
                return null;
            }
            long id = metadata.GetInteger(key);
            return id >= 0 && id < built.Tokens.Length ? (int)id
                : throw new TokenizerFormatException(file.FilePath, key, $"is {id}, outside the vocabulary of {built.Tokens.Length} tokens");
        }
        int? bosId = Id(GgufTokenizer.BeginOfSequenceIdKey), eosId = Id(GgufTokenizer.EndOfSequenceIdKey);
        // llama.cpp prepends BOS by default for Llama 3's pre-tokenizer, not for GPT-2's or Qwen2's.
        bool addsBos = GgufAddsBos(file) ?? built.Split.WholeWords;
        ChatTemplate? template = GgufChatTemplate(file);
        Func<string, IReadOnlyList<int>> encode = built.Split.WholeWords
            ? new WholeWordBpeEncoder(bpe, built.SpecialTokens).Encode
            : text => bpe.EncodeToIds(text);
        return new ModelTokenizer(bpe, encode, ids => bpe.Decode(ids, considerSpecialTokens: true) ?? "",
            bosId is int b ? built.Tokens[b] : null, bosId, addsBos, eosId is int e ? built.Tokens[e] : null, eosId is int end ? [end] : [],
            [.. built.SpecialTokens.Values], template);
    }

    /// <summary><c>tokenizer.ggml.add_bos_token</c>, or null when the file does not say.</summary>
    private static bool? GgufAddsBos(GgufFile file) => !file.Metadata.ContainsKey(GgufTokenizer.AddBeginOfSequenceKey) ? null
        : file.Metadata.GetValue(GgufTokenizer.AddBeginOfSequenceKey) as bool?
            ?? throw new TokenizerFormatException(file.FilePath, GgufTokenizer.AddBeginOfSequenceKey, "is not a boolean");

    private static ChatTemplate? GgufChatTemplate(GgufFile file) => file.Metadata.ContainsKey(GgufTokenizer.ChatTemplateKey)
        ? ChatTemplate.Parse(file.Metadata.GetString(GgufTokenizer.ChatTemplateKey), GgufTokenizer.ChatTemplateKey)
        : null;

    /// <summary>Encodes text as transformers' <c>tokenizer(text)</c> does.</summary>
    /// <param name="text">The text. Special tokens written in it (<c>&lt;|im_start|&gt;</c>) become their ids.</param>
    /// <param name="addSpecialTokens">Whether to prepend the beginning-of-sequence token when the model's tokenizer does.</param>
    /// <returns>The token ids.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="System.Text.RegularExpressions.RegexMatchTimeoutException">A split pattern of the folder's
    /// <c>tokenizer.json</c> took more than a second on this text: every pattern from a file runs with that timeout, so a
    /// hostile pattern that backtracks catastrophically fails instead of hanging (the Hub's take microseconds). The same
    /// holds for <see cref="Tokenizer"/>, which runs the same patterns.</exception>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        IReadOnlyList<int> ids = _encode(text);
        if (!addSpecialTokens || !AddsBeginOfSequence)
        {
            return ids;
        }
        var withBos = new List<int>(ids.Count + 1) { BeginOfSequenceId!.Value };
        withBos.AddRange(ids);
        return withBos;
    }

    /// <summary>Decodes ids to text.</summary>
    /// <param name="ids">The ids.</param>
    /// <param name="skipSpecialTokens">Leaves out special tokens (BOS, EOS, <c>&lt;|im_end|&gt;</c>), as transformers' <c>skip_special_tokens=True</c>.</param>
    /// <returns>The text; an incomplete UTF-8 sequence at the end decodes to U+FFFD.</returns>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return _decode(skipSpecialTokens ? ids.Where(id => !_specialIds.Contains(id)) : ids);
    }

    /// <summary>
    /// Runs <paramref name="read"/>, which reads the JSON of <paramref name="path"/>: System.Text.Json checks a string's
    /// UTF-8 (and its escapes, such as a lone surrogate "\ud800") only when the string is read, and says so with an
    /// <see cref="InvalidOperationException"/> that names no file.
    /// </summary>
    private static T ValidText<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException e) when (e.Source?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true)
        {
            // Only System.Text.Json's (its source reads "System.Text.Json.Rethrowable"): any other is not about the text.
            throw new TokenizerFormatException(path, null, $"holds a string that is not valid UTF-8 text ({e.Message})", e);
        }
    }

    /// <summary>Whether <paramref name="id"/> is a special token (one <see cref="Decode"/> skips).</summary>
    /// <param name="id">A token id.</param>
    /// <returns><see langword="true"/> for a special token.</returns>
    public bool IsSpecial(int id) => _specialIds.Contains(id);

    /// <summary>Renders the folder's chat template with this tokenizer's BOS and EOS tokens.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="addGenerationPrompt">Appends the opening of an assistant turn, for the model to complete.</param>
    /// <returns>The prompt text.</returns>
    /// <exception cref="InvalidOperationException">The tokenizer has no chat template (<see cref="ChatTemplate"/> is null).</exception>
    /// <exception cref="ChatTemplateException">The template raised an exception or failed while rendering.</exception>
    public string ApplyChatTemplate(IReadOnlyList<ChatTemplateMessage> messages, bool addGenerationPrompt = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ChatTemplate template = ChatTemplate ?? throw new InvalidOperationException(
            "This tokenizer has no chat template (none in the folder's tokenizer_config.json or chat_template.jinja, or in the GGUF's tokenizer.chat_template): render the prompt yourself.");
        return template.Render(messages, addGenerationPrompt, BeginOfSequenceToken, EndOfSequenceToken);
    }

    /// <summary>
    /// Renders the chat template and encodes the result without adding special tokens, as transformers'
    /// <c>apply_chat_template(tokenize=True)</c> does.
    /// </summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="addGenerationPrompt">Appends the opening of an assistant turn, for the model to complete.</param>
    /// <returns>The prompt's token ids.</returns>
    /// <exception cref="InvalidOperationException">The tokenizer has no chat template (<see cref="ChatTemplate"/> is null).</exception>
    /// <exception cref="ChatTemplateException">The template raised an exception or failed while rendering.</exception>
    public IReadOnlyList<int> EncodeChat(IReadOnlyList<ChatTemplateMessage> messages, bool addGenerationPrompt = true) =>
        Encode(ApplyChatTemplate(messages, addGenerationPrompt), addSpecialTokens: false);

    private static ChatTemplate? ReadChatTemplate(string folder, TokenizerConfig config)
    {
        // transformers (4.43+) saves the template beside the config as chat_template.jinja and prefers that file.
        string jinjaPath = Path.Combine(folder, "chat_template.jinja");
        if (File.Exists(jinjaPath))
        {
            byte[] template = SafeTensors.RegularFile.ReadSmall(jinjaPath, ChatTemplate.MaxSourceLength,
                problem => new TokenizerFormatException(jinjaPath, null, problem));
            // As File.ReadAllText reads it: a byte-order mark dropped, invalid UTF-8 replaced.
            int start = template.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
            return ChatTemplate.Parse(System.Text.Encoding.UTF8.GetString(template, start, template.Length - start), jinjaPath);
        }
        return config.ChatTemplate is string source ? ChatTemplate.Parse(source, Path.Combine(folder, "tokenizer_config.json")) : null;
    }

    private static ModelTokenizer FromTokenizerJson(string path, TokenizerConfig config, ChatTemplate? template)
    {
        TokenizerJsonReader.Result read = TokenizerJsonReader.Read(path);
        BpeTokenizer bpe = read.Tokenizer;
        int? Id(string? token) => token is null ? null
            : read.AddedTokens.TryGetValue(token, out int added) ? added
            : bpe.Vocabulary.TryGetValue(token, out int id) ? id : null;

        string? bosToken = config.BosToken ?? read.PrependedToken;
        int? bosId = Id(bosToken) ?? config.GenerationBosId;
        // The post-processor decides what transformers' tokenizer(text) prepends; add_bos_token in the config
        // overrides it when present (transformers rebuilds the post-processor from it for Llama tokenizers).
        bool addsBos = config.AddBosToken ?? read.PrependedToken is not null;
        var specialIds = new HashSet<int>(read.SpecialTokens.Select(t => read.AddedTokens[t]));
        Func<string, IReadOnlyList<int>> encode = read.IgnoreMerges
            ? new WholeWordBpeEncoder(bpe, read.AddedTokens).Encode
            : text => bpe.EncodeToIds(text);
        return new ModelTokenizer(bpe, encode, ids => bpe.Decode(ids, considerSpecialTokens: true) ?? "", bosToken, bosId, addsBos,
            config.EosToken, EndIds(config, Id(config.EosToken)), specialIds, template);
    }

    private static ModelTokenizer FromSentencePiece(string path, TokenizerConfig config, ChatTemplate? template)
    {
        byte[] model = SafeTensors.RegularFile.ReadSmall(path, BoundedJsonFile.MaxBytes, problem => new TokenizerFormatException(path, null, problem));
        using var stream = new MemoryStream(model, writable: false);
        return FromSentencePiece(stream, path, config, template);
    }

    /// <param name="model">A SentencePiece <c>ModelProto</c>.</param>
    /// <param name="source">The file it comes from, for errors.</param>
    /// <param name="config">The folder's settings, or a GGUF's.</param>
    /// <param name="template">The chat template, if any.</param>
    private static ModelTokenizer FromSentencePiece(Stream model, string source, TokenizerConfig config, ChatTemplate? template)
    {
        LlamaTokenizer llama;
        try
        {
            // The base tokenizer adds no BOS: Encode does, so EncodeChat can leave it to the template.
            llama = LlamaTokenizer.Create(model, addBeginOfSentence: false, addEndOfSentence: false,
                specialTokens: config.AddedTokens.Count == 0 ? null : config.AddedTokens);
        }
        catch (Exception e) when (e is not TokenizerFormatException and not OutOfMemoryException)
        {
            throw new TokenizerFormatException(source, null, "is not a SentencePiece BPE model: " + e.Message, e);
        }
        string bosToken = config.BosToken ?? llama.BeginningOfSentenceToken;
        string eosToken = config.EosToken ?? llama.EndOfSentenceToken;
        int? Id(string token) => config.AddedTokens.TryGetValue(token, out int added) ? added
            : llama.Vocabulary.TryGetValue(token, out int id) ? id : null;
        var specialIds = new HashSet<int> { llama.BeginningOfSentenceId, llama.EndOfSentenceId, llama.UnknownId };
        foreach (int id in config.AddedTokens.Values)
        {
            specialIds.Add(id);
        }
        return new ModelTokenizer(llama, text => llama.EncodeToIds(text), ids => llama.Decode(ids, considerSpecialTokens: true) ?? "", bosToken, Id(bosToken), config.AddBosToken ?? true,
            eosToken, EndIds(config, Id(eosToken)), specialIds, template);
    }

    private static List<int> EndIds(TokenizerConfig config, int? eosId)
    {
        var ids = new List<int>(config.GenerationEosIds.Distinct());
        if (eosId is int id && !ids.Contains(id))
        {
            ids.Add(id);
        }
        return ids;
    }
}

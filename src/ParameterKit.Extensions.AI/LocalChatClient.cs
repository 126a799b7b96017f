using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;
using ParameterKit.Transformers;

namespace ParameterKit.Extensions.AI;

/// <summary>
/// A Microsoft.Extensions.AI <see cref="IChatClient"/> that runs a local <see cref="ICausalLanguageModel"/> (GPT-2, the
/// Llama family) in this process: no server. A request renders the conversation to one prompt (the model's chat
/// template, or <see cref="ChatTranscript.Render"/> for a base model), encodes it with the model's tokenizer, and
/// generates the reply with a <see cref="TextGenerator"/>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ChatOptions"/> map onto <see cref="GenerationOptions"/>: <see cref="ChatOptions.Temperature"/>,
/// <see cref="ChatOptions.TopP"/>, <see cref="ChatOptions.TopK"/>, <see cref="ChatOptions.Seed"/>,
/// <see cref="ChatOptions.MaxOutputTokens"/> (MaxNewTokens) and <see cref="ChatOptions.StopSequences"/> (added to the
/// defaults' stop strings); <see cref="ChatOptions.Instructions"/> becomes a leading system message. A value the
/// options leave unset comes from the defaults given at construction. Tools are refused
/// (<see cref="NotSupportedException"/>); other options (penalties, response format) are ignored.
/// </para>
/// <para>
/// Responses carry <see cref="UsageDetails"/> (input tokens: the rendered prompt; output tokens: those generated,
/// stop tokens excluded) and a <see cref="ChatFinishReason"/>: <see cref="ChatFinishReason.Stop"/> at a stop token or
/// stop sequence, <see cref="ChatFinishReason.Length"/> at the token limit or the end of the context. A model runs one
/// pass at a time, so one request at a time generates per model: concurrent requests wait their turn, whether they
/// came through this client or another <see cref="LocalChatClient"/> over the same model. (Code that runs the model
/// directly meanwhile, outside any client, gets the model's <see cref="InvalidOperationException"/> instead.)
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var model = Gpt2Model.Load("gpt2");
/// using IChatClient chat = new LocalChatClient(model, TiktokenTokenizer.CreateForModel("gpt2"), ChatTranscript.Render,
///     ChatTranscript.Defaults with { StopTokens = [50256] }, modelId: "gpt2");
/// ChatResponse reply = await chat.GetResponseAsync("What is a parameter?");
/// Console.WriteLine($"{reply.Text} ({reply.Usage?.OutputTokenCount} tokens, {reply.FinishReason})");
/// </code>
/// </example>
public sealed class LocalChatClient : IChatClient
{
    private readonly Tokenizer _tokenizer;
    private readonly Func<IReadOnlyList<ChatMessage>, string> _renderPrompt;
    private readonly GenerationOptions _defaults;
    private readonly TextGenerator _generator;
    // One gate per model, shared by every client over it: the model's buffers serve one pass at a time, and a request
    // holds the turn from its prompt's pass to its last token. The table lets a collected model take its gate along.
    private static readonly ConditionalWeakTable<ICausalLanguageModel, SemaphoreSlim> Turns = new();
    private readonly SemaphoreSlim _turn;
    // Cancelled by Dispose: requests waiting for their turn end then. Neither it nor the semaphore is disposed: neither
    // holds a wait handle or timer here, and a disposed semaphore would fail the finally of a request still running,
    // and never wake the ones waiting (they would hang).
    private readonly CancellationTokenSource _disposal = new();
    private int _disposed;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Prepares a chat client over <paramref name="model"/>.</summary>
    /// <param name="model">A loaded (or trained) model.</param>
    /// <param name="tokenizer">The model's tokenizer: encodes the rendered prompt and decodes the reply.</param>
    /// <param name="renderPrompt">
    /// Renders the conversation (system, user and assistant messages, oldest first) to the prompt text, ending where
    /// the assistant's reply begins: the model's chat template, or <see cref="ChatTranscript.Render"/>.
    /// </param>
    /// <param name="defaults">
    /// Generation settings for what a request's <see cref="ChatOptions"/> leave unset; its <see cref="GenerationOptions.StopTokens"/>
    /// should hold the model's end-of-turn tokens, and its <see cref="GenerationOptions.StopStrings"/> always apply.
    /// When null, <see cref="GenerationOptions"/>' defaults with <see cref="GenerationOptions.MaxNewTokens"/> raised to 256 for a reply.
    /// </param>
    /// <param name="modelId">The name reported in <see cref="ChatClientMetadata"/> and on responses (such as the folder's name).</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    public LocalChatClient(ICausalLanguageModel model, Tokenizer tokenizer, Func<IReadOnlyList<ChatMessage>, string> renderPrompt,
        GenerationOptions? defaults = null, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(renderPrompt);
        _tokenizer = tokenizer;
        _renderPrompt = renderPrompt;
        _defaults = defaults ?? new GenerationOptions { MaxNewTokens = 256 };
        _generator = new TextGenerator(model);
        _turn = Turns.GetValue(model, _ => new SemaphoreSlim(1, 1));
        ModelId = modelId;
        _metadata = new ChatClientMetadata("ParameterKit", providerUri: null, defaultModelId: modelId);
    }

    /// <summary>The model.</summary>
    public ICausalLanguageModel Model => _generator.Model;

    /// <summary>The name given at construction, if any.</summary>
    public string? ModelId { get; }

    /// <summary>
    /// Encodes the rendered prompt to token ids instead of the tokenizer's own <c>EncodeToIds</c>, or
    /// <see langword="null"/> (the default) to use that. Set it when the model's tokenizer encodes in a way the
    /// Microsoft.ML.Tokenizers object alone does not, such as ParameterKit's <c>ModelTokenizer</c> (Llama 3's
    /// <c>ignore_merges</c>): pass <c>text =&gt; modelTokenizer.Encode(text, addSpecialTokens: false)</c>, because a chat
    /// template writes its own beginning-of-sequence token. The tokenizer still decodes the reply.
    /// </summary>
    public Func<string, IReadOnlyList<int>>? EncodePrompt { get; init; }

    /// <summary>
    /// Whether a conversation that has outgrown the model's context loses its oldest messages instead of failing.
    /// <see langword="false"/> (the default): a request whose rendered prompt is longer than
    /// <see cref="ICausalLanguageModel.ContextLength"/> fails with <see cref="ArgumentException"/>, and one that fits
    /// but leaves little room gets a reply cut short (<see cref="ChatFinishReason.Length"/>). <see langword="true"/>:
    /// while the prompt leaves fewer than <see cref="GenerationOptions.MaxNewTokens"/> positions for the reply (at most
    /// half the context), the oldest message that is not a system message is left out, with any assistant messages
    /// it leaves at the front (chat templates expect the user to speak first after the system message), until only
    /// the system messages and the last message remain. The caller's list is not changed; the usage's input tokens
    /// count the prompt actually sent. A last message too long on its own still fails with <see cref="ArgumentException"/>.
    /// </summary>
    public bool DropOldestMessagesToFit { get; init; }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Yields one update per piece of decoded text, then a last update without text that carries the
    /// <see cref="ChatResponseUpdate.FinishReason"/> and a <see cref="UsageContent"/>.
    /// </remarks>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (options?.Tools is { Count: > 0 })
        {
            throw new NotSupportedException($"LocalChatClient does not call tools; the request offered {options.Tools.Count}.");
        }
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var generation = Merge(options);
        IReadOnlyList<int> ids = EncodeFitting(WithInstructions(messages, options), generation.MaxNewTokens);
        await WaitForTurnAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string responseId = Guid.NewGuid().ToString("N");
            var created = DateTimeOffset.UtcNow;
            await foreach (string piece in _generator.StreamEncodedAsync(_tokenizer, ids, generation, cancellationToken).ConfigureAwait(false))
            {
                yield return Update(responseId, created, [new TextContent(piece)]);
            }
            var usage = new UsageDetails
            {
                InputTokenCount = ids.Count,
                OutputTokenCount = _generator.GeneratedTokens,
                TotalTokenCount = ids.Count + _generator.GeneratedTokens,
            };
            var last = Update(responseId, created, [new UsageContent(usage)]);
            last.FinishReason = _generator.FinishReason is GenerationFinishReason.StopToken or GenerationFinishReason.StopString
                ? ChatFinishReason.Stop
                : ChatFinishReason.Length;
            yield return last;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(Model) ? Model
            : null;
    }

    /// <summary>
    /// Ends the client (the model itself belongs to the caller): requests waiting for their turn end with
    /// <see cref="ObjectDisposedException"/>, a request already generating finishes its reply, and later requests are refused.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _disposal.Cancel();
        }
    }

    /// <summary>Waits until no other request is generating with the model; the caller's cancellation and <see cref="Dispose"/> both end the wait.</summary>
    private async Task WaitForTurnAsync(CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposal.Token);
        try
        {
            await _turn.WaitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(LocalChatClient), "The chat client was disposed while this request waited for its turn.");
        }
    }

    private ChatResponseUpdate Update(string responseId, DateTimeOffset created, IList<AIContent> contents) => new(ChatRole.Assistant, contents)
    {
        ResponseId = responseId,
        MessageId = responseId,
        ModelId = ModelId,
        CreatedAt = created,
    };

    /// <summary>The request's options over the defaults; stop sequences are added to the defaults' stop strings.</summary>
    private GenerationOptions Merge(ChatOptions? options)
    {
        if (options is null)
        {
            return _defaults;
        }
        // Checked here, by the names the caller used: GenerationOptions would refuse them too, but as MaxNewTokens and
        // StopStrings, which the caller never set.
        if (options.MaxOutputTokens is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxOutputTokens, "ChatOptions.MaxOutputTokens must not be negative.");
        }
        if (options.StopSequences?.Any(string.IsNullOrEmpty) == true)
        {
            throw new ArgumentException("ChatOptions.StopSequences holds a null or empty sequence, which would stop every reply at once.", nameof(options));
        }
        return _defaults with
        {
            Temperature = options.Temperature ?? _defaults.Temperature,
            TopP = options.TopP ?? _defaults.TopP,
            TopK = options.TopK ?? _defaults.TopK,
            MaxNewTokens = options.MaxOutputTokens ?? _defaults.MaxNewTokens,
            // ChatOptions' seed is a long; every bit pattern is a valid ulong seed.
            Seed = options.Seed is long seed ? unchecked((ulong)seed) : _defaults.Seed,
            StopStrings = options.StopSequences is { Count: > 0 } stops ? [.. _defaults.StopStrings, .. stops] : _defaults.StopStrings,
        };
    }

    /// <summary>Renders and encodes the conversation, first leaving out its oldest messages when <see cref="DropOldestMessagesToFit"/> asks.</summary>
    private IReadOnlyList<int> EncodeFitting(List<ChatMessage> conversation, int maxNewTokens)
    {
        IReadOnlyList<int> ids = Encode(conversation);
        int context = Model.ContextLength;
        if (DropOldestMessagesToFit)
        {
            int promptBudget = context - Math.Min(maxNewTokens, context / 2);
            while (ids.Count > promptBudget && DropOldestExchange(conversation))
            {
                ids = Encode(conversation);
            }
        }
        if (ids.Count > context)
        {
            throw new ArgumentException(DropOldestMessagesToFit
                ? $"The last message makes a prompt of {ids.Count} tokens on its own, and the model's context holds {context}."
                : $"The conversation makes a prompt of {ids.Count} tokens, and the model's context holds {context} (DropOldestMessagesToFit leaves out its oldest exchanges).");
        }
        return ids;
    }

    private IReadOnlyList<int> Encode(IReadOnlyList<ChatMessage> conversation)
    {
        string prompt = _renderPrompt(conversation);
        return EncodePrompt is { } encode ? encode(prompt) : _tokenizer.EncodeToIds(prompt);
    }

    /// <summary>
    /// Removes the oldest message that is not a system message, then any assistant messages that would lead what is
    /// left; never the last message. Returns whether anything was removed.
    /// </summary>
    private static bool DropOldestExchange(List<ChatMessage> conversation)
    {
        int oldest = conversation.FindIndex(m => m.Role != ChatRole.System);
        if (oldest < 0 || oldest == conversation.Count - 1)
        {
            return false;
        }
        conversation.RemoveAt(oldest);
        while (oldest < conversation.Count - 1 && conversation[oldest].Role == ChatRole.Assistant)
        {
            conversation.RemoveAt(oldest);
        }
        return true;
    }

    private static List<ChatMessage> WithInstructions(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var list = messages.ToList();
        int missing = list.IndexOf(null!);
        if (missing >= 0)
        {
            throw new ArgumentException($"Message {missing} is null.", nameof(messages));
        }
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            list.Insert(0, new ChatMessage(ChatRole.System, options.Instructions));
        }
        return list;
    }
}

namespace SentimentChat.Web.Hosting;

/// <summary>
/// Everything the web chat can be told: where the model and the optional language model are, and the limits that
/// keep memory bounded when many visitors talk at once.
/// </summary>
public sealed record WebChatOptions
{
    /// <summary>The loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; } = 5080;

    /// <summary>The classifier file; null means the console sample's cached model (trained on first run when absent).</summary>
    public string? ModelPath { get; init; }

    /// <summary>An OpenAI-compatible endpoint that writes the replies; null means the offline template replies.</summary>
    public Uri? LlmEndpoint { get; init; }

    /// <summary>The model name sent to <see cref="LlmEndpoint"/>.</summary>
    public string LlmModel { get; init; } = "llama3";

    /// <summary>The API key sent to <see cref="LlmEndpoint"/>, when it needs one.</summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// How long the language model may leave the web chat waiting: for the response to begin, and between two pieces
    /// of it. A request that times out is tried once more, so a model that never answers costs the customer about
    /// twice this before the page says so (the OpenAI client's defaults, 100 s and three retries, made it 400 s).
    /// </summary>
    public TimeSpan LlmTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The most tokens the language model is asked to write for one reply (its max_tokens).</summary>
    public int MaxReplyTokens { get; init; } = 500;

    /// <summary>
    /// The most characters of one reply the web chat reads, whatever the model was asked: a model that ignores
    /// <see cref="MaxReplyTokens"/> (or a server that never stops) has its reply cut here, ending in "…", so neither
    /// the server's memory nor the conversation's history grows without bound.
    /// </summary>
    public int MaxReplyCharacters { get; init; } = 4000;

    /// <summary>The longest one reply may take from the first byte to the last; what arrived by then is cut as above.</summary>
    public TimeSpan MaxReplyTime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest customer message accepted, in characters; longer ones are refused with a polite message.</summary>
    public int MaxMessageCharacters { get; init; } = 1000;

    /// <summary>Customer messages one conversation may hold; this bounds a conversation's memory.</summary>
    public int MaxTurns { get; init; } = 40;

    /// <summary>Conversations held at once; a new visitor beyond this is asked to come back later.</summary>
    public int MaxConversations { get; init; } = 1000;

    /// <summary>A conversation with no message for this long is forgotten.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The least time between two sweeps of expired conversations (each sweep visits every conversation).</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Pause between two streamed words of a template reply, so the page shows them arriving as a language model's
    /// would; zero streams them back to back (the load benchmark measures that).
    /// </summary>
    public TimeSpan TemplateTokenDelay { get; init; } = TimeSpan.FromMilliseconds(30);

    /// <summary>The ASP.NET Core environment name; null means the default (Production).</summary>
    public string? EnvironmentName { get; init; }

    /// <summary>The content root; null means the current folder (the page itself is embedded, so nothing is read from it).</summary>
    public string? ContentRoot { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first limit that cannot work.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Port, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageCharacters, 1, nameof(MaxMessageCharacters));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTurns, 1, nameof(MaxTurns));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConversations, 1, nameof(MaxConversations));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero, nameof(IdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(SweepInterval, TimeSpan.Zero, nameof(SweepInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LlmTimeout, TimeSpan.Zero, nameof(LlmTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReplyTokens, 1, nameof(MaxReplyTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReplyCharacters, 1, nameof(MaxReplyCharacters));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxReplyTime, TimeSpan.Zero, nameof(MaxReplyTime));
        ArgumentOutOfRangeException.ThrowIfLessThan(TemplateTokenDelay, TimeSpan.Zero, nameof(TemplateTokenDelay));
    }
}

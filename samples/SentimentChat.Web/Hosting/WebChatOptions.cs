using SentimentChat.Chat;
using SentimentChat.Model;

namespace SentimentChat.Web.Hosting;

/// <summary>
/// Everything the web chat can be told: where the model and the optional language model are, and the limits that
/// keep memory bounded when many visitors talk at once.
/// </summary>
public sealed record WebChatOptions
{
    // The defaults as constants, so the command line's help shows the very values the options start with
    // (an attribute argument must be a constant) instead of a second copy typed by hand.

    /// <summary>The default <see cref="Port"/>.</summary>
    public const int DefaultPort = 5080;

    /// <summary>The default <see cref="LlmTimeout"/>, in seconds.</summary>
    public const int DefaultLlmTimeoutSeconds = 30;

    /// <summary>The default <see cref="MaxReplyTokens"/>.</summary>
    public const int DefaultMaxReplyTokens = 500;

    /// <summary>The default <see cref="MaxReplyCharacters"/>.</summary>
    public const int DefaultMaxReplyCharacters = 4000;

    /// <summary>The default <see cref="MaxReplyTime"/>, in seconds.</summary>
    public const int DefaultMaxReplySeconds = 120;

    /// <summary>The default <see cref="MaxMessageCharacters"/>.</summary>
    public const int DefaultMaxMessageCharacters = 1000;

    /// <summary>The default <see cref="MaxTurns"/>.</summary>
    public const int DefaultMaxTurns = 40;

    /// <summary>The default <see cref="IdleTimeout"/>, in minutes.</summary>
    public const int DefaultIdleMinutes = 30;
    /// <summary>The loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The classifier file; null means the console sample's cached model (trained on first run when absent).</summary>
    public string? ModelPath { get; init; }

    /// <summary>
    /// Where a first run caches the model it trains, and where later runs look for it when <see cref="ModelPath"/> is
    /// null: the console sample's cache, so both samples train once.
    /// </summary>
    public string CachedModelPath { get; init; } = ModelFile.DefaultPath;

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
    public TimeSpan LlmTimeout { get; init; } = TimeSpan.FromSeconds(DefaultLlmTimeoutSeconds);

    /// <summary>The most tokens the language model is asked to write for one reply (its max_tokens).</summary>
    public int MaxReplyTokens { get; init; } = DefaultMaxReplyTokens;

    /// <summary>
    /// The most characters of one reply the web chat reads, whatever the model was asked: a model that ignores
    /// <see cref="MaxReplyTokens"/> (or a server that never stops) has its reply cut here, ending in "…", so neither
    /// the server's memory nor the conversation's history grows without bound.
    /// </summary>
    public int MaxReplyCharacters { get; init; } = DefaultMaxReplyCharacters;

    /// <summary>
    /// How much of the conversation goes to the language model with each message, in characters of its messages
    /// (the system message aside): the latest turns that fit, so a long conversation stays within the model's context.
    /// </summary>
    public int MaxHistoryCharacters { get; init; } = HistoryWindow.DefaultMaxCharacters;

    /// <summary>The longest one reply may take from the first byte to the last; what arrived by then is cut as above.</summary>
    public TimeSpan MaxReplyTime { get; init; } = TimeSpan.FromSeconds(DefaultMaxReplySeconds);

    /// <summary>Longest customer message accepted, in characters; longer ones are refused with a polite message.</summary>
    public int MaxMessageCharacters { get; init; } = DefaultMaxMessageCharacters;

    /// <summary>Customer messages one conversation may hold; this bounds a conversation's memory.</summary>
    public int MaxTurns { get; init; } = DefaultMaxTurns;

    /// <summary>Conversations held at once; a new visitor beyond this is asked to come back later.</summary>
    public int MaxConversations { get; init; } = 1000;

    /// <summary>A conversation with no message for this long is forgotten.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(DefaultIdleMinutes);

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
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHistoryCharacters, 1, nameof(MaxHistoryCharacters));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxReplyTime, TimeSpan.Zero, nameof(MaxReplyTime));
        ArgumentOutOfRangeException.ThrowIfLessThan(TemplateTokenDelay, TimeSpan.Zero, nameof(TemplateTokenDelay));
    }
}

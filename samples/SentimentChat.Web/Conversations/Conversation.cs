using Microsoft.Extensions.AI;
using SentimentChat.Chat;
using SentimentChat.Model;

namespace SentimentChat.Web.Conversations;

/// <summary>
/// One visitor's conversation: the mood over its turns, the messages the reply model sees, and the client that
/// writes the replies. Its memory is bounded by <see cref="Hosting.WebChatOptions.MaxTurns"/> customer messages
/// of at most <see cref="Hosting.WebChatOptions.MaxMessageCharacters"/> characters each, plus the replies.
/// </summary>
/// <remarks>
/// Requests for one conversation take turns through <see cref="Gate"/>: the mood and the history are plain lists,
/// and a second message sent while the first is still being answered must see the first one's reply.
/// </remarks>
public sealed class Conversation
{
    private long _lastActiveTicks;

    /// <summary>Starts a conversation.</summary>
    /// <param name="id">The unguessable id the page keeps.</param>
    /// <param name="mood">The mood, shared with <paramref name="client"/>.</param>
    /// <param name="client">The reply pipeline (a <see cref="SentimentAwareChatClient"/>).</param>
    /// <param name="now">When it starts.</param>
    public Conversation(string id, ConversationMood mood, IChatClient client, DateTimeOffset now)
    {
        Id = id;
        Mood = mood;
        Client = client;
        _lastActiveTicks = now.UtcTicks;
    }

    /// <summary>The id.</summary>
    public string Id { get; }

    /// <summary>The mood over the customer's turns.</summary>
    public ConversationMood Mood { get; }

    /// <summary>Writes the replies (the sentiment middleware around the template or language-model client).</summary>
    public IChatClient Client { get; }

    /// <summary>What the reply model sees: a system message, then the customer's messages and the replies.</summary>
    public List<ChatMessage> History { get; } = [new(ChatRole.System, "You are a concise, kind customer-service agent for an online shop.")];

    /// <summary>The customer's messages and how each was read.</summary>
    public List<(string Text, Prediction Prediction)> CustomerTurns { get; } = [];

    /// <summary>One request at a time.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Whether the customer asked for a person: with the page's button, or by saying yes to the offer.</summary>
    public bool HandOffRequested => Mood.HumanAccepted;

    /// <summary>When the conversation last saw a request.</summary>
    public DateTimeOffset LastActive => new(Interlocked.Read(ref _lastActiveTicks), TimeSpan.Zero);

    /// <summary>Records activity at <paramref name="now"/>.</summary>
    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastActiveTicks, now.UtcTicks);
}

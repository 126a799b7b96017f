using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.AI;
using SentimentChat.Chat;
using SentimentChat.Web.Hosting;

namespace SentimentChat.Web.Conversations;

/// <summary>
/// The conversations held in memory, one per visitor. Bounded twice: at most
/// <see cref="WebChatOptions.MaxConversations"/> at once, and a conversation idle for
/// <see cref="WebChatOptions.IdleTimeout"/> is forgotten.
/// </summary>
/// <remarks>
/// Expiry is lazy: an expired conversation is never returned, and every request sweeps the whole store when the
/// last sweep is older than <see cref="WebChatOptions.SweepInterval"/>. No timer thread, so a test moves time with a
/// fake <see cref="TimeProvider"/> and sees exactly what a quiet server would have done.
/// </remarks>
public sealed class ConversationStore(WebChatOptions options, TimeProvider time, Func<ConversationMood, IChatClient> replyClient)
{
    private readonly ConcurrentDictionary<string, Conversation> _conversations = new(StringComparer.Ordinal);
    private long _lastSweepTicks = time.GetUtcNow().UtcTicks;

    /// <summary>Conversations held now (expired ones included until the next sweep).</summary>
    public int Count => _conversations.Count;

    /// <summary>Starts a conversation; null when <see cref="WebChatOptions.MaxConversations"/> are live.</summary>
    public Conversation? Start()
    {
        var now = time.GetUtcNow();
        Sweep(now, force: _conversations.Count >= options.MaxConversations);
        if (_conversations.Count >= options.MaxConversations)
        {
            return null;
        }
        // 128 random bits: a visitor cannot guess another's conversation.
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var mood = new ConversationMood();
        var conversation = new Conversation(id, mood, replyClient(mood), now);
        _conversations[id] = conversation;
        return conversation;
    }

    /// <summary>The live conversation <paramref name="id"/>, marked active; null when unknown or expired.</summary>
    public Conversation? Find(string id)
    {
        var now = time.GetUtcNow();
        Sweep(now, force: false);
        if (!_conversations.TryGetValue(id, out var conversation))
        {
            return null;
        }
        if (IsExpired(conversation, now))
        {
            _conversations.TryRemove(new KeyValuePair<string, Conversation>(id, conversation));
            return null;
        }
        conversation.Touch(now);
        return conversation;
    }

    /// <summary>Marks <paramref name="conversation"/> active now (a long reply must not let it expire).</summary>
    public void Touch(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        conversation.Touch(time.GetUtcNow());
    }

    private bool IsExpired(Conversation conversation, DateTimeOffset now) => now - conversation.LastActive >= options.IdleTimeout;

    private void Sweep(DateTimeOffset now, bool force)
    {
        long last = Interlocked.Read(ref _lastSweepTicks);
        if (!force && now.UtcTicks - last < options.SweepInterval.Ticks)
        {
            return;
        }
        // One request sweeps; the others carry on rather than queue behind it.
        if (Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }
        foreach (var pair in _conversations)
        {
            if (IsExpired(pair.Value, now))
            {
                _conversations.TryRemove(pair);
            }
        }
    }
}

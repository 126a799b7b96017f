using Microsoft.Extensions.AI;

namespace SentimentChat.Chat;

/// <summary>
/// The part of a conversation sent to a language model: its system messages and as many of the latest turns as fit
/// in a budget of characters. Without it every request carried the whole conversation, so a long chat outgrew the
/// model's context (an 8k-token Llama 3 fills after about a dozen long replies; the server then refuses the request
/// or silently drops the start, system message and all) and, in the console chat, which has no turn limit, the
/// history grew without bound.
/// </summary>
public static class HistoryWindow
{
    /// <summary>
    /// The default budget: 16,000 characters is about 4,000 tokens of English, which leaves room in an 8k context
    /// for the middleware's instructions and a 500-token reply.
    /// </summary>
    public const int DefaultMaxCharacters = 16_000;

    /// <summary>
    /// The system messages of <paramref name="history"/> and the latest other messages whose text totals at most
    /// <paramref name="maxCharacters"/>, starting at a user's message, in their order. The last message is always kept,
    /// whatever its length: it is the one being answered. Older messages go whole (a cut message would misquote the
    /// customer).
    /// </summary>
    /// <param name="history">The conversation, oldest first.</param>
    /// <param name="maxCharacters">The budget for the messages that are not system messages.</param>
    public static List<ChatMessage> Recent(IReadOnlyList<ChatMessage> history, int maxCharacters)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCharacters);
        int first = history.Count, last = LastNonSystem(history);
        long used = 0;
        for (int i = history.Count - 1; i >= 0; i--)
        {
            if (history[i].Role == ChatRole.System)
            {
                continue;
            }
            used += history[i].Text.Length;
            if (used > maxCharacters && i != last)
            {
                break;
            }
            first = i;
        }
        // The window opens on a customer's message: a reply whose question was dropped reads oddly, and chat templates
        // that insist on user and assistant turns alternating (Mistral's) refuse a conversation that opens on a reply.
        while (first < last && history[first].Role != ChatRole.User)
        {
            first++;
        }
        var window = new List<ChatMessage>();
        for (int i = 0; i < history.Count; i++)
        {
            if (history[i].Role == ChatRole.System || i >= first)
            {
                window.Add(history[i]);
            }
        }
        return window;
    }

    private static int LastNonSystem(IReadOnlyList<ChatMessage> history)
    {
        for (int i = history.Count - 1; i >= 0; i--)
        {
            if (history[i].Role != ChatRole.System)
            {
                return i;
            }
        }
        return -1;
    }
}

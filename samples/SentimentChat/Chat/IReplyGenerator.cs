using SentimentChat.Model;

namespace SentimentChat.Chat;

/// <summary>Writes the bot's reply to a classified message. Plug in your own (a language model, a ticketing system).</summary>
public interface IReplyGenerator
{
    /// <summary>The reply to <paramref name="message"/>.</summary>
    /// <param name="message">What the customer wrote.</param>
    /// <param name="prediction">The classifier's reading of it.</param>
    /// <param name="mood">The conversation so far, this turn included.</param>
    /// <param name="cancellationToken">Cancels the reply.</param>
    Task<string> ReplyAsync(string message, Prediction prediction, ConversationMood mood, CancellationToken cancellationToken = default);
}

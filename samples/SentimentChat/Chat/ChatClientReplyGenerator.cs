using Microsoft.Extensions.AI;
using SentimentChat.Model;

namespace SentimentChat.Chat;

/// <summary>
/// Replies through a language model: the conversation history goes through a <see cref="SentimentAwareChatClient"/>
/// (which adds the mood and tone instructions) to any <see cref="IChatClient"/>, the latest turns that fit the
/// <see cref="HistoryWindow"/>.
/// </summary>
public sealed class ChatClientReplyGenerator : IReplyGenerator, IDisposable
{
    private readonly SentimentAwareChatClient _client;
    private List<ChatMessage> _history = [new(ChatRole.System, "You are a concise, kind customer-service agent for an online shop.")];

    /// <summary>Wraps <paramref name="inner"/> in the sentiment middleware.</summary>
    /// <param name="inner">The client that reaches the model.</param>
    /// <param name="classify">The classifier, used when a turn arrives unclassified.</param>
    /// <param name="mood">The conversation mood, shared with the chat loop.</param>
    public ChatClientReplyGenerator(IChatClient inner, Func<string, Prediction> classify, ConversationMood mood)
    {
        _client = new SentimentAwareChatClient(inner, classify, mood);
    }

    /// <inheritdoc />
    public async Task<string> ReplyAsync(string message, Prediction prediction, ConversationMood mood, CancellationToken cancellationToken = default)
    {
        _history.Add(new ChatMessage(ChatRole.User, message));
        // The console chat has no turn limit: what is not sent again is not kept either.
        _history = HistoryWindow.Recent(_history, HistoryWindow.DefaultMaxCharacters);
        var options = new ChatOptions { AdditionalProperties = new AdditionalPropertiesDictionary { [SentimentAwareChatClient.PredictionKey] = prediction } };
        var response = await _client.GetResponseAsync(_history, options, cancellationToken).ConfigureAwait(false);
        _history.Add(new ChatMessage(ChatRole.Assistant, response.Text));
        return response.Text;
    }

    /// <summary>Disposes the middleware and the client it wraps.</summary>
    public void Dispose() => _client.Dispose();
}

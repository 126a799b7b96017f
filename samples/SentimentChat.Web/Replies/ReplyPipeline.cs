using Microsoft.Extensions.AI;
using SentimentChat.Chat;
using SentimentChat.Web.Conversations;
using SentimentChat.Web.Hosting;

namespace SentimentChat.Web.Replies;

/// <summary>
/// Builds each conversation's reply client: the console sample's <see cref="SentimentAwareChatClient"/> (which puts
/// the detected mood and tone instructions in front of the request) around either the offline template replies or
/// one OpenAI-compatible client shared by every conversation.
/// </summary>
public sealed class ReplyPipeline(WebChatOptions options, SharedClassifier classifier, TimeProvider time, IChatClient? languageModel = null)
{
    /// <summary>Whether replies come from a language model rather than the templates.</summary>
    public bool UsesLanguageModel => languageModel is not null;

    /// <summary>The reply client of a new conversation whose mood is <paramref name="mood"/>.</summary>
    public IChatClient For(ConversationMood mood)
    {
        IChatClient inner = languageModel is null
            ? new TemplateChatClient(mood, options.TemplateTokenDelay, time)
            : new SharedClient(languageModel);
        return new SentimentAwareChatClient(inner, classifier.Classify, mood);
    }

    /// <summary>
    /// The shared language-model client as seen by one conversation: disposing a conversation's middleware must not
    /// dispose the client every other conversation still uses, so this view forwards every call but Dispose.
    /// </summary>
    private sealed class SharedClient(IChatClient shared) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            shared.GetResponseAsync(messages, options, cancellationToken);

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            shared.GetStreamingResponseAsync(messages, options, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) => shared.GetService(serviceType, serviceKey);

        public void Dispose()
        {
            // The host owns the shared client.
        }
    }
}

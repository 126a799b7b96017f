using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using SentimentChat.Chat;
using SentimentChat.Model;

namespace SentimentChat.Web.Replies;

/// <summary>
/// The console sample's offline <see cref="TemplateReplyGenerator"/> behind the <see cref="IChatClient"/> interface,
/// so template replies and a language model's go through the same <see cref="SentimentAwareChatClient"/> pipeline
/// and stream the same way: one update per word, with its leading space.
/// </summary>
/// <remarks>
/// The template needs the turn's <see cref="Prediction"/>, which the caller puts in
/// <see cref="ChatOptions.AdditionalProperties"/> under <see cref="SentimentAwareChatClient.PredictionKey"/> (the
/// middleware passes the options on unchanged), and the conversation's mood, given at construction.
/// </remarks>
public sealed partial class TemplateChatClient(ConversationMood mood, TimeSpan tokenDelay, TimeProvider time) : IChatClient
{
    private readonly TemplateReplyGenerator _templates = new();

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        string reply = await ReplyAsync(messages, options, cancellationToken).ConfigureAwait(false);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, reply));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string reply = await ReplyAsync(messages, options, cancellationToken).ConfigureAwait(false);
        bool first = true;
        foreach (var word in Words(reply))
        {
            if (!first && tokenDelay > TimeSpan.Zero)
            {
                await Task.Delay(tokenDelay, time, cancellationToken).ConfigureAwait(false);
            }
            first = false;
            yield return new ChatResponseUpdate(ChatRole.Assistant, word);
        }
    }

    /// <summary>The reply cut into words, each with the whitespace before it, so the pieces join back exactly.</summary>
    public static IEnumerable<string> Words(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return WordPattern().Matches(reply).Select(m => m.Value);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : null;

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }

    private Task<string> ReplyAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var lastUser = messages.LastOrDefault(m => m.Role == ChatRole.User)
            ?? throw new ArgumentException("The template replies answer the last user message, and there is none.", nameof(messages));
        if (options?.AdditionalProperties?.TryGetValue(SentimentAwareChatClient.PredictionKey, out object? given) != true || given is not Prediction prediction)
        {
            throw new ArgumentException(
                $"The template replies need the turn's Prediction in ChatOptions.AdditionalProperties[\"{SentimentAwareChatClient.PredictionKey}\"].", nameof(options));
        }
        return _templates.ReplyAsync(lastUser.Text, prediction, mood, cancellationToken);
    }

    [GeneratedRegex(@"\s*\S+", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}

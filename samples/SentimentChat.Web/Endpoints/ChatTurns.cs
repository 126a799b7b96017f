using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;
using SentimentChat.Chat;
using SentimentChat.Text;
using SentimentChat.Web.Conversations;
using SentimentChat.Web.Hosting;

namespace SentimentChat.Web.Endpoints;

/// <summary>
/// Answers one customer message as a stream of server-sent events: <c>turn</c> (the classification and the mood,
/// sent before the reply starts so the meter moves at once), <c>token</c>s (the reply, piece by piece, as the reply
/// client produces it), then <c>done</c>; or <c>refused</c> / <c>error</c> with a message for the customer.
/// </summary>
public sealed class ChatTurns(SharedClassifier classifier, ConversationStore store, WebChatOptions options, ILogger<ChatTurns> logger)
{
    /// <summary>The polite refusal once a conversation holds <see cref="WebChatOptions.MaxTurns"/> messages.</summary>
    public string TurnLimitMessage =>
        $"This conversation has reached its limit of {options.MaxTurns} messages. Please start a new conversation, or ask to talk to a person.";

    /// <summary>The events answering <paramref name="text"/> (already checked for length) in <paramref name="conversation"/>.</summary>
    public async IAsyncEnumerable<SseItem<string>> AnswerAsync(Conversation conversation, string text, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        await conversation.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Checked again inside the gate: two messages racing past the endpoint's check must not both get in.
            if (conversation.CustomerTurns.Count >= options.MaxTurns)
            {
                yield return Event("refused", new NoticeEvent(TurnLimitMessage), WebChatJson.Default.NoticeEvent);
                yield break;
            }
            var prediction = classifier.Classify(text);
            HandOffAdvisor.Record(conversation, text, prediction);
            conversation.CustomerTurns.Add((text, prediction));
            var p = prediction.Probabilities;
            yield return Event("turn", new TurnEvent(
                conversation.CustomerTurns.Count,
                prediction.LabelName,
                new Probabilities(p[Labels.Frustrated], p[Labels.Positive], p[Labels.Other]),
                prediction.Truncated,
                conversation.Mood.Score,
                conversation.Mood.Description,
                HandOffAdvisor.ShouldOffer(conversation)), WebChatJson.Default.TurnEvent);

            conversation.History.Add(new ChatMessage(ChatRole.User, text));
            // The turn is classified already: the middleware takes the prediction from the options instead of
            // classifying it again and counting it twice in the mood.
            var chatOptions = new ChatOptions { AdditionalProperties = new() { [SentimentAwareChatClient.PredictionKey] = prediction } };
            var reply = new StringBuilder();
            bool failed = false;
            var updates = conversation.Client.GetStreamingResponseAsync(conversation.History, chatOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await updates.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                    {
                        // Only the customer leaving ends the stream quietly. A model that is down, refuses, or stalls
                        // past LlmTimeout (which the OpenAI client reports as a TaskCanceledException, not a network
                        // error) gets the customer's error event, and the server stays up.
                        logger.LogWarning("The reply client failed in conversation {Id}: {Error}", conversation.Id, $"{e.GetType().Name}: {e.Message}");
                        more = false;
                        failed = true;
                    }
                    if (!more)
                    {
                        break;
                    }
                    string piece = updates.Current.Text;
                    if (piece.Length > 0)
                    {
                        reply.Append(piece);
                        yield return Event("token", new TokenEvent(piece), WebChatJson.Default.TokenEvent);
                    }
                }
            }
            finally
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }
            if (failed)
            {
                yield return Event("error", new NoticeEvent("Sorry, the assistant could not answer just now. Please try again, or ask to talk to a person."), WebChatJson.Default.NoticeEvent);
                yield break;
            }
            conversation.History.Add(new ChatMessage(ChatRole.Assistant, reply.ToString()));
            store.Touch(conversation);
            yield return Event("done", new DoneEvent(reply.ToString(), HandOffAdvisor.ShouldOffer(conversation)), WebChatJson.Default.DoneEvent);
        }
        finally
        {
            conversation.Gate.Release();
        }
    }

    private static SseItem<string> Event<T>(string type, T data, JsonTypeInfo<T> json) => new(JsonSerializer.Serialize(data, json), type);
}

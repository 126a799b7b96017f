using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
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
/// <remarks>
/// A reply is bounded: <see cref="WebChatOptions.MaxReplyCharacters"/> and <see cref="WebChatOptions.MaxReplyTime"/>
/// cut a reply that goes on (it ends in " …" and is kept like any other), and a reply client that fails, stalls
/// past <see cref="WebChatOptions.LlmTimeout"/> or produces no text at all gets the <c>error</c> event, with a
/// warning in the log. Only the customer leaving ends the stream without a last event.
/// </remarks>
public sealed class ChatTurns(SharedClassifier classifier, ConversationStore store, WebChatOptions options, TimeProvider time, ILogger<ChatTurns> logger)
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
                HandOffAdvisor.ShouldOffer(conversation),
                conversation.HandOffRequested), WebChatJson.Default.TurnEvent);

            conversation.History.Add(new ChatMessage(ChatRole.User, text));
            // The turn is classified already: the middleware takes the prediction from the options instead of
            // classifying it again and counting it twice in the mood.
            // MaxOutputTokens asks the model for a chat-sized reply; StreamedReply enforces one whatever it does.
            var chatOptions = new ChatOptions
            {
                MaxOutputTokens = options.MaxReplyTokens,
                AdditionalProperties = new() { [SentimentAwareChatClient.PredictionKey] = prediction },
            };
            var reply = new StreamedReply(options.MaxReplyCharacters);
            var ending = ReplyEnding.Finished;
            using var deadline = new CancellationTokenSource(options.MaxReplyTime, time);
            using var replyCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            var updates = conversation.Client.GetStreamingResponseAsync(HistoryWindow.Recent(conversation.History, options.MaxHistoryCharacters), chatOptions, replyCancellation.Token)
                .GetAsyncEnumerator(replyCancellation.Token);
            try
            {
                while (!reply.Full)
                {
                    bool more;
                    try
                    {
                        more = await updates.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                    {
                        // Only the customer leaving ends the stream quietly. Anything else (a model that is down,
                        // refuses, stalls past LlmTimeout, which the OpenAI client reports as a TaskCanceledException,
                        // or sends too much) is the customer's error event, and the server stays up.
                        ending = deadline.IsCancellationRequested ? ReplyEnding.OutOfTime : ReplyEnding.Failed;
                        if (ending == ReplyEnding.Failed)
                        {
                            logger.LogWarning("The reply client failed in conversation {Id}: {Error}", conversation.Id, $"{e.GetType().Name}: {e.Message}");
                        }
                        break;
                    }
                    if (!more)
                    {
                        break;
                    }
                    string piece = reply.Add(updates.Current.Text);
                    if (piece.Length > 0)
                    {
                        yield return Event("token", new TokenEvent(piece), WebChatJson.Default.TokenEvent);
                    }
                }
            }
            finally
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }
            if (reply.Full || ending == ReplyEnding.OutOfTime)
            {
                logger.LogWarning("The reply in conversation {Id} was cut at {Characters} characters ({Reason})", conversation.Id, reply.Length,
                    reply.Full ? "the character cap" : "the time limit");
                ending = reply.HasText ? ReplyEnding.Cut : ReplyEnding.Failed;
            }
            else if (ending == ReplyEnding.Finished && !reply.HasText)
            {
                // A mistyped URL answering with a web page, a stream of nothing but [DONE], bytes that are not
                // server-sent events: the client sees no error, only no text, which must not pass as a reply.
                logger.LogWarning("The reply client sent no text in conversation {Id}", conversation.Id);
                ending = ReplyEnding.Failed;
            }
            if (ending == ReplyEnding.Failed)
            {
                yield return Event("error", new NoticeEvent("Sorry, the assistant could not answer just now. Please try again, or ask to talk to a person."), WebChatJson.Default.NoticeEvent);
                yield break;
            }
            if (ending == ReplyEnding.Cut)
            {
                yield return Event("token", new TokenEvent(StreamedReply.CutMark), WebChatJson.Default.TokenEvent);
            }
            string answer = ending == ReplyEnding.Cut ? reply + StreamedReply.CutMark : reply.ToString();
            conversation.History.Add(new ChatMessage(ChatRole.Assistant, answer));
            store.Touch(conversation);
            yield return Event("done", new DoneEvent(answer, HandOffAdvisor.ShouldOffer(conversation)), WebChatJson.Default.DoneEvent);
        }
        finally
        {
            conversation.Gate.Release();
        }
    }

    /// <summary>How reading a reply ended.</summary>
    private enum ReplyEnding
    {
        /// <summary>The model finished.</summary>
        Finished,

        /// <summary>The reply reached a cap with text in it: it is sent as far as it got, marked as cut.</summary>
        Cut,

        /// <summary>The time limit passed (becomes <see cref="Cut"/> or <see cref="Failed"/>).</summary>
        OutOfTime,

        /// <summary>No usable reply: the customer gets the error event.</summary>
        Failed,
    }

    private static SseItem<string> Event<T>(string type, T data, JsonTypeInfo<T> json) => new(JsonSerializer.Serialize(data, json), type);
}

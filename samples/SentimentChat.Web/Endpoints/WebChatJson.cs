using System.Text.Json;
using System.Text.Json.Serialization;

namespace SentimentChat.Web.Endpoints;

/// <summary>A message from the page.</summary>
/// <param name="Text">What the customer typed.</param>
public sealed record MessageRequest(string? Text);

/// <summary>A new conversation and the limits the page enforces before sending.</summary>
public sealed record ConversationStarted(string Id, int MaxMessageCharacters, int MaxTurns);

/// <summary>Where a conversation stands.</summary>
public sealed record ConversationSummary(string Id, int Turns, double MoodScore, string Mood, bool OfferHuman, bool HandOffRequested);

/// <summary>A refusal or failure the page shows as it is.</summary>
public sealed record ErrorMessage(string Error, string Code);

/// <summary>The answer to "talk to a person".</summary>
public sealed record HandOffAccepted(string Message);

/// <summary>The class probabilities of one message.</summary>
public sealed record Probabilities(float Frustrated, float Positive, float Other);

/// <summary>Stream event <c>turn</c>: how the customer's message was read, and the conversation's mood after it.
/// <c>HandOffRequested</c> is whether a person is on the way after this turn: a typed "yes" to the offer asks for one,
/// "never mind, it's sorted" calls it off, and the page shows its "talk to a person" button again only then.</summary>
public sealed record TurnEvent(int Turn, string Label, Probabilities Probabilities, bool Truncated, double MoodScore, string Mood, bool OfferHuman, bool HandOffRequested);

/// <summary>Stream event <c>token</c>: the next piece of the reply.</summary>
public sealed record TokenEvent(string Text);

/// <summary>Stream event <c>done</c>: the whole reply.</summary>
public sealed record DoneEvent(string Reply, bool OfferHuman);

/// <summary>Stream events <c>refused</c> and <c>error</c>: a message for the customer.</summary>
public sealed record NoticeEvent(string Message);

/// <summary>Source-generated JSON for every body and event (camelCase, as the page's script expects).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MessageRequest))]
[JsonSerializable(typeof(ConversationStarted))]
[JsonSerializable(typeof(ConversationSummary))]
[JsonSerializable(typeof(ErrorMessage))]
[JsonSerializable(typeof(HandOffAccepted))]
[JsonSerializable(typeof(TurnEvent))]
[JsonSerializable(typeof(TokenEvent))]
[JsonSerializable(typeof(DoneEvent))]
[JsonSerializable(typeof(NoticeEvent))]
public sealed partial class WebChatJson : JsonSerializerContext;

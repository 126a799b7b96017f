using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SentimentChat.Web.Conversations;
using SentimentChat.Web.Hosting;

namespace SentimentChat.Web.Endpoints;

/// <summary>
/// The chat API the page calls:
/// <c>POST /api/conversations</c> starts one;
/// <c>POST /api/conversations/{id}/messages</c> with <c>{"text": "..."}</c> answers as server-sent events (see <see cref="ChatTurns"/>);
/// <c>GET /api/conversations/{id}</c> says where it stands;
/// <c>POST /api/conversations/{id}/handoff</c> asks for a person.
/// Refusals are JSON <c>{"error": "...", "code": "..."}</c> with a message written for the customer.
/// </summary>
public static class ChatEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/conversations");
        api.MapPost("/", Start);
        api.MapGet("/{id}", Summary);
        api.MapPost("/{id}/messages", Message);
        api.MapPost("/{id}/handoff", HandOff);
    }

    private static IResult Start(ConversationStore store, WebChatOptions options)
    {
        var conversation = store.Start();
        return conversation is null
            ? TypedResults.Json(new ErrorMessage("We are talking with a lot of customers right now. Please try again in a few minutes.", "busy"),
                WebChatJson.Default.ErrorMessage, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Json(new ConversationStarted(conversation.Id, options.MaxMessageCharacters, options.MaxTurns),
                WebChatJson.Default.ConversationStarted, statusCode: StatusCodes.Status201Created);
    }

    private static IResult Summary(string id, ConversationStore store)
    {
        if (store.Find(id) is not { } conversation)
        {
            return Expired("This conversation has ended after a period of inactivity.");
        }
        return TypedResults.Json(new ConversationSummary(conversation.Id, conversation.Mood.Turns, conversation.Mood.Score,
            conversation.Mood.Description, HandOffAdvisor.ShouldOffer(conversation), conversation.HandOffRequested), WebChatJson.Default.ConversationSummary);
    }

    private static IResult Message(string id, MessageRequest request, ConversationStore store, ChatTurns turns, WebChatOptions options, HttpContext http)
    {
        if (store.Find(id) is not { } conversation)
        {
            return Expired("This conversation has ended after a period of inactivity, and your message was not sent. Please start a new conversation.");
        }
        string text = request.Text?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return Refuse("Please type a message first.", "empty", StatusCodes.Status400BadRequest);
        }
        if (text.Length > options.MaxMessageCharacters)
        {
            return Refuse(string.Create(CultureInfo.InvariantCulture,
                $"Sorry, that message is too long for us ({text.Length} characters; the limit is {options.MaxMessageCharacters}). Could you shorten it, or send it in a few parts?"),
                "too_long", StatusCodes.Status400BadRequest);
        }
        if (conversation.CustomerTurns.Count >= options.MaxTurns)
        {
            return Refuse(turns.TurnLimitMessage, "turn_limit", StatusCodes.Status409Conflict);
        }
        return TypedResults.ServerSentEvents(turns.AnswerAsync(conversation, text, http.RequestAborted));
    }

    private static IResult HandOff(string id, ConversationStore store)
    {
        if (store.Find(id) is not { } conversation)
        {
            return Expired("This conversation has ended after a period of inactivity, so nobody was asked to join it. Please start a new conversation and ask again.");
        }
        conversation.Mood.AcceptHuman();
        // The sample has no staff rota behind it: this is where a deployment opens a ticket or pages an agent.
        return TypedResults.Json(new HandOffAccepted(
            "Thank you. A member of our team has been asked to join this conversation and will be with you shortly. (In this sample nobody is on duty: a real deployment would page an agent here.)"),
            WebChatJson.Default.HandOffAccepted);
    }

    /// <summary>
    /// An unknown or expired conversation. Each endpoint says what did not happen; starting a new conversation is
    /// the caller's to do (the page does it and says so), so the server never claims it was done.
    /// </summary>
    private static JsonHttpResult<ErrorMessage> Expired(string message) => Refuse(message, "expired", StatusCodes.Status404NotFound);

    private static JsonHttpResult<ErrorMessage> Refuse(string message, string code, int status) =>
        TypedResults.Json(new ErrorMessage(message, code), WebChatJson.Default.ErrorMessage, statusCode: status);
}

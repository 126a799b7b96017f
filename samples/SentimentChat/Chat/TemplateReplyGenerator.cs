using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Chat;

/// <summary>
/// The offline reply generator: no network, no model download. Frustration gets a short apology that names the
/// problem; positivity a friendly, brief answer; anything else a helpful default. Whenever the conversation's
/// <see cref="EscalationPolicy"/> says so (see <see cref="ConversationMood.ShouldOfferEscalation"/>), the reply
/// offers a human agent, whatever the turn's label: a calm "can I speak to a person?" deserves the offer too. It asks
/// for an order number or email only when the message gave neither (<see cref="CustomerDetails"/>).
/// </summary>
public sealed class TemplateReplyGenerator : IReplyGenerator
{
    /// <summary>The sentence that offers a human; tests look for it.</summary>
    public const string EscalationOffer = "Would you like me to connect you with a human agent right now?";

    /// <inheritdoc />
    public Task<string> ReplyAsync(string message, Prediction prediction, ConversationMood mood, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(mood);
        string reply = mood.OfferAnswer switch
        {
            OfferAnswer.Accepted => HandOff,
            OfferAnswer.Declined => "All right, I'll keep helping you here. What should I look at next?",
            _ => Reply(message, prediction, mood),
        };
        return Task.FromResult(reply);
    }

    /// <summary>The reply to a "yes" to the offer: the person is asked for, and the conversation goes with them.</summary>
    public const string HandOff =
        "Thank you. I've asked a member of our team to join this conversation; they will see everything you've told me and will be with you shortly.";

    private static string Reply(string message, Prediction prediction, ConversationMood mood) =>
        prediction.Label switch
        {
            Labels.Frustrated => Frustrated(message, mood),
            _ when mood.Escalation == EscalationReason.PersonRequested => $"Of course. {Offer(mood)}",
            _ when mood.ShouldOfferEscalation => $"I'm sorry you've had to chase this. {Offer(mood)}",
            Labels.Positive => "Glad to hear it! Anything else I can help with?",
            _ when CustomerDetails.Mentioned(message) => "Thanks, that's what I need. I'm looking into it now.",
            _ => "Thanks for the details. Could you tell me your order number or account email, so I can look into it?",
        };

    private static string Frustrated(string message, ConversationMood mood)
    {
        string? problem = ProblemWords.Find(message);
        string apology = problem is null
            ? "I'm sorry, that sounds frustrating."
            : $"I'm sorry about {problem}; that shouldn't have happened.";
        return mood.ShouldOfferEscalation
            ? $"{apology} {Offer(mood)}"
            : $"{apology} I'll fix this as fast as I can.";
    }

    /// <summary>The offer of a person, or once the customer has said yes to one, the reminder that one is coming.</summary>
    private static string Offer(ConversationMood mood) =>
        mood.HumanAccepted ? "A member of our team will be with you shortly." : EscalationOffer;
}

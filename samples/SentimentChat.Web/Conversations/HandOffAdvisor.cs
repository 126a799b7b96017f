using SentimentChat.Chat;
using SentimentChat.Model;

namespace SentimentChat.Web.Conversations;

/// <summary>
/// Records each customer turn in the conversation's mood and decides when the page offers "talk to a person". The
/// decision itself belongs to the console sample's chat (one home per concept: <see cref="ConversationMood"/> and its
/// <see cref="EscalationPolicy"/>, which reads the turn's text as well as its label); this adapter is the one place the
/// web chat asks.
/// </summary>
public static class HandOffAdvisor
{
    /// <summary>Adds the customer's turn to the conversation's mood.</summary>
    /// <param name="conversation">The conversation.</param>
    /// <param name="text">What the customer wrote.</param>
    /// <param name="prediction">How the classifier read it.</param>
    public static void Record(Conversation conversation, string text, Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(text);
        conversation.Mood.Add(text, prediction);
    }

    /// <summary>
    /// Whether the page offers a human agent: the conversation warrants it now, or an offer made earlier still stands
    /// (<see cref="ConversationMood.OfferStanding"/>: not taken up, not declined, no thankful turn since); never once a
    /// person has been asked for.
    /// </summary>
    /// <param name="conversation">The conversation, its latest turn included.</param>
    public static bool ShouldOffer(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return conversation.Mood.OfferStanding;
    }
}

using SentimentChat.Chat;

namespace SentimentChat.Web.Conversations;

/// <summary>
/// Decides when the page offers "talk to a person". The decision itself belongs to the console sample's chat
/// (one home per concept); this adapter is the one place the web chat asks, so when the sample's escalation rule
/// changes, only the line below changes.
/// </summary>
public static class HandOffAdvisor
{
    /// <summary>Whether the conversation so far warrants offering a human agent.</summary>
    /// <param name="conversation">The conversation, its latest turn included.</param>
    public static bool ShouldOffer(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return conversation.Mood.ShouldOfferEscalation;
    }
}

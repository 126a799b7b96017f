namespace SentimentChat.Chat;

/// <summary>
/// Reads a short answer to "Could you tell me your order number or account email?" that says the customer has none to
/// give: "no", "I don't have it", "no idea", "I lost the email". Asked that, a bare "no" is not a goodbye, and asking
/// the same question again would only make the customer say it twice.
/// </summary>
public static class DetailsRefusals
{
    // Whole answers, once courtesy words are gone from both ends ("sorry, I don't have it", "no idea, sorry").
    private static readonly HashSet<string> Answers = new(StringComparer.Ordinal)
    {
        "no", "nope", "nah", "no i don't", "no i dont", "i don't", "i dont", "i don't have it", "i dont have it",
        "i don't have one", "i dont have one", "don't have it", "dont have it", "don't have one", "i don't have them",
        "i don't have either", "i don't have any", "no i don't have it", "no i don't have one", "i don't know",
        "i dont know", "i don't know it", "don't know", "dont know", "no idea", "not sure", "dunno", "i can't find it",
        "i cant find it", "can't find it", "cant find it", "i can't find them", "i lost it", "i don't remember",
        "i dont remember", "i don't remember it", "i don't have an account", "i dont have an account", "no account",
        "i don't have the email", "i deleted the email", "i lost the email", "i don't have the order number",
    };

    private static readonly HashSet<string> Courtesy = new(StringComparer.Ordinal)
    {
        "sorry", "please", "thanks", "thank", "you", "um", "umm", "hmm", "well", "oh", "unfortunately", "actually",
    };

    /// <summary>Whether <paramref name="message"/>, asked for an order number or email, says there is none to give.</summary>
    /// <param name="message">The customer's message.</param>
    public static bool Reads(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (MessageWords.Of(message) is not { Count: > 0 } words)
        {
            return false;
        }
        var core = MessageWords.Trim(words, Courtesy);
        return core.Count > 0 && Answers.Contains(string.Join(' ', core));
    }
}

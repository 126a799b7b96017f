namespace SentimentChat.Chat;

/// <summary>What a message is when it is only a greeting or a goodbye.</summary>
public enum SmallTalkKind
{
    /// <summary>Anything else: a question, a complaint, details.</summary>
    None,

    /// <summary>"hi", "good morning", "hello? anyone there?".</summary>
    Greeting,

    /// <summary>"bye", "no, that's all", "thanks, have a nice day".</summary>
    Closing,
}

/// <summary>
/// Reads greetings and goodbyes, so "hi" is greeted back and "bye" ends the conversation politely instead of being
/// asked for an order number. Only a short message made of such phrases (and courtesy words) counts.
/// </summary>
public static class SmallTalk
{
    private static readonly HashSet<string> Greetings = new(StringComparer.Ordinal)
    {
        "hi", "hello", "hey", "hiya", "howdy", "good morning", "good afternoon", "good evening", "hi there",
        "hello there", "hey there", "anyone there", "is anyone there", "hello anyone there", "hello is anyone there",
        "anybody there", "is anybody there",
    };

    private static readonly HashSet<string> Closings = new(StringComparer.Ordinal)
    {
        "bye", "bye bye", "goodbye", "good bye", "see you", "cheers", "that's all", "that is all", "that's it",
        "that's everything", "nothing else", "no", "nope", "nah", "all good", "i'm good", "im good", "i'm all set",
        "have a nice day", "have a good day", "have a great day", "have a nice evening", "have a good one",
    };

    // Words around a greeting or goodbye that change nothing ("hi, thanks", "ok bye", "no thanks, that's all").
    private static readonly HashSet<string> Filler = new(StringComparer.Ordinal)
    {
        "thanks", "thank", "you", "thx", "ty", "ok", "okay", "so", "well", "then", "and", "again", "for", "your", "help",
        "no", "nope", "oh",
    };

    /// <summary>Whether <paramref name="message"/> is only a greeting or only a goodbye.</summary>
    /// <param name="message">The customer's message.</param>
    /// <param name="answeringOffer">Whether the message answers the offer of a person: then a bare "no" or "no thanks"
    /// declines the offer rather than ending the conversation ("no thanks, bye" still ends it).</param>
    public static SmallTalkKind Read(string message, bool answeringOffer = false)
    {
        if (MessageWords.Of(message) is not { Count: > 0 } words)
        {
            return SmallTalkKind.None;
        }
        var core = MessageWords.Trim(words, Filler);
        if (answeringOffer && (core.Count == 0 || core is ["nah"]))
        {
            return SmallTalkKind.None;
        }
        string whole = string.Join(' ', words);
        if (Kind(whole) is var plain and not SmallTalkKind.None)
        {
            return plain;
        }
        // "no thanks", "thanks!": nothing left once the filler is gone is a polite goodbye when it said no, and not
        // small talk when it only said thanks (the classifier's positive reply fits that better).
        if (core.Count == 0)
        {
            return words.Contains("no") || words.Contains("nope") ? SmallTalkKind.Closing : SmallTalkKind.None;
        }
        return Kind(string.Join(' ', core));
    }

    private static SmallTalkKind Kind(string words) =>
        Greetings.Contains(words) ? SmallTalkKind.Greeting : Closings.Contains(words) ? SmallTalkKind.Closing : SmallTalkKind.None;
}

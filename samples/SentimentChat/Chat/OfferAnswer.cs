namespace SentimentChat.Chat;

/// <summary>How a message answers the offer of a human agent made in the reply before it.</summary>
public enum OfferAnswer
{
    /// <summary>No offer was waiting for an answer, or the message is not a plain yes or no.</summary>
    None,

    /// <summary>"yes", "sure, please", "connect me".</summary>
    Accepted,

    /// <summary>"no thanks", "not now", "I'm fine".</summary>
    Declined,
}

/// <summary>
/// Reads a short reply to "Would you like me to connect you with a human agent?". Only a message that is nothing but a
/// yes or a no (and courtesy words) counts: "yes, and it is still broken" says more than yes, and the classifier and
/// the escalation policy read it as any other message.
/// </summary>
public static class OfferAnswers
{
    private static readonly HashSet<string> Yes = new(StringComparer.Ordinal)
    {
        "yes", "y", "yeah", "yea", "yep", "yup", "ya", "sure", "ok", "okay", "k", "alright", "all right", "absolutely",
        "definitely", "of course", "sure thing", "yes sure", "please", "please do", "yes please do", "go ahead", "do it",
        "do that", "sounds good", "that would be great", "that would help", "i would like that", "yes i would", "yes i would like that",
        "connect me", "please connect me", "yes connect me", "put me through", "a human", "a person", "human",
        "a human agent", "an agent", "agent", "a real person", "yes a human", "yes a person", "yes now", "right now",
        "yes right now",
    };

    private static readonly HashSet<string> No = new(StringComparer.Ordinal)
    {
        "no", "n", "nope", "nah", "no need", "not now", "not yet", "not right now", "not necessary", "no it's fine",
        "no its fine", "it's fine", "its fine", "i'm fine", "im fine", "i am fine", "i'm ok", "i'm okay", "no that's ok",
        "no that's okay", "no that's fine", "no just fix it", "just fix it", "no i'm fine", "maybe later", "later",
    };

    // Words of courtesy that change nothing about the answer when they lead or trail it ("oh, no thanks", "a person please").
    private static readonly HashSet<string> Courtesy = new(StringComparer.Ordinal)
    {
        "please", "thanks", "thank", "you", "thx", "ty", "pls", "plz", "oh", "well", "then",
    };

    // Once the courtesy is gone, repeated or doubled answers ("yes yes", "ok sure", "no no") keep their first word's meaning.
    private static readonly HashSet<string> Repeatable = new(StringComparer.Ordinal) { "yes", "no", "ok", "okay", "sure", "yeah", "nope" };

    /// <summary>The answer <paramref name="message"/> gives to a pending offer of a human agent.</summary>
    /// <param name="message">The customer's message.</param>
    public static OfferAnswer Read(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        // A longer message says more than yes or no (and skipping it bounds the work whatever is pasted).
        if (message.Length > 60)
        {
            return OfferAnswer.None;
        }
        var words = new List<string>(Words(message));
        // Whole first: "please" alone is a yes, though it is also a courtesy word stripped below.
        if (words.Count > 0 && Answer(string.Join(' ', words)) is var plain and not OfferAnswer.None)
        {
            return plain;
        }
        while (words.Count > 0 && Courtesy.Contains(words[^1]))
        {
            words.RemoveAt(words.Count - 1);
        }
        while (words.Count > 0 && Courtesy.Contains(words[0]))
        {
            words.RemoveAt(0);
        }
        if (words.Count == 0)
        {
            return OfferAnswer.None;
        }
        if (Answer(string.Join(' ', words)) is var answer and not OfferAnswer.None)
        {
            return answer;
        }
        // "yes yes", "ok sure", "no no": the first word decides when the rest only repeats an answer.
        return words.Skip(1).All(Repeatable.Contains) ? Answer(words[0]) : OfferAnswer.None;
    }

    private static OfferAnswer Answer(string words) =>
        Yes.Contains(words) ? OfferAnswer.Accepted : No.Contains(words) ? OfferAnswer.Declined : OfferAnswer.None;

    /// <summary>Lower-cased words with their apostrophes, everything else (punctuation, emoji) dropped.</summary>
    private static string[] Words(string message)
    {
        var text = new System.Text.StringBuilder(message.Length);
        foreach (char c in message)
        {
            text.Append(c is '\u2019' or '\'' ? '\'' : char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
        }
        return text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}

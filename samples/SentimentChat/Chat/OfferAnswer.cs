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
/// Reads a short reply to "Would you like me to connect you with a human agent?": one that starts with yes or no, or is
/// one of a few set answers ("please do", "not now", "a manager") with courtesy words around it. Anything else is read
/// by the classifier and the escalation policy as any other message.
/// </summary>
public static class OfferAnswers
{
    // Whole answers (a leading "yes" or "no" is read before these: "yes, a manager", "no, I'm fine").
    private static readonly HashSet<string> Yes = new(StringComparer.Ordinal)
    {
        "yes", "y", "yeah", "yea", "yep", "yup", "ya", "sure", "ok", "okay", "k", "alright", "all right", "absolutely",
        "definitely", "of course", "sure thing", "please", "please do", "go ahead", "do it", "do that", "sounds good",
        "that would be great", "that would help", "i would like that", "i would", "i'd like that", "connect me",
        "connect me now", "put me through", "transfer me", "a human", "a person", "human", "a human agent", "an agent",
        "agent", "a real person", "a manager", "a supervisor", "someone", "somebody", "now", "right now", "asap",
    };

    private static readonly HashSet<string> No = new(StringComparer.Ordinal)
    {
        "no", "n", "nope", "nah", "no need", "not now", "not yet", "not right now", "not necessary", "no it's fine",
        "no its fine", "it's fine", "its fine", "i'm fine", "im fine", "i am fine", "i'm ok", "i'm okay", "that's ok",
        "that's okay", "that's fine", "just fix it", "maybe later", "later", "don't", "no need for that", "i'm good",
        "im good", "i'm all set", "not needed",
    };

    // Words of courtesy that change nothing about the answer when they lead or trail it ("oh, no thanks", "a person please").
    private static readonly HashSet<string> Courtesy = new(StringComparer.Ordinal)
    {
        "please", "thanks", "thank", "you", "thx", "ty", "pls", "plz", "oh", "well", "then",
    };

    // Once the courtesy is gone, repeated or doubled answers ("ok sure", "okay ok") keep their first word's meaning.
    private static readonly HashSet<string> Repeatable = new(StringComparer.Ordinal) { "yes", "no", "ok", "okay", "sure", "yeah", "nope" };

    /// <summary>The answer <paramref name="message"/> gives to a pending offer of a human agent.</summary>
    /// <param name="message">The customer's message.</param>
    public static OfferAnswer Read(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        // A reply to "would you like a person?" that starts with a clear yes or no gives that answer, whatever follows
        // and however long: "yes. also the app is broken", "no, I just want my money back". ("ok" is not one: "ok but
        // it's still broken".)
        bool longer = message.Length > MessageWords.MaxCharacters;
        var head = MessageWords.Of(longer ? message[..MessageWords.MaxCharacters] : message);
        switch (head)
        {
            case ["yes" or "yeah" or "yep" or "yup" or "sure" or "y", ..]:
                return OfferAnswer.Accepted;
            case ["no" or "nope" or "nah", ..]:
                return OfferAnswer.Declined;
        }
        // Past the leading word only a short message is read: a longer one says more than an answer.
        if (longer || head is not { Count: > 0 } words)
        {
            return OfferAnswer.None;
        }
        // Whole first: "please" alone is a yes, though it is also a courtesy word trimmed below.
        if (Answer(string.Join(' ', words)) is var plain and not OfferAnswer.None)
        {
            return plain;
        }
        words = MessageWords.Trim(words, Courtesy);
        if (words.Count == 0)
        {
            return OfferAnswer.None;
        }
        if (Answer(string.Join(' ', words)) is var answer and not OfferAnswer.None)
        {
            return answer;
        }
        // "ok sure", "okay ok": an answer followed only by more of the same keeps it.
        return words.Skip(1).All(Repeatable.Contains) ? Answer(words[0]) : OfferAnswer.None;
    }

    private static OfferAnswer Answer(string words) =>
        Yes.Contains(words) ? OfferAnswer.Accepted : No.Contains(words) ? OfferAnswer.Declined : OfferAnswer.None;
}

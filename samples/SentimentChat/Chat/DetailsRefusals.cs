using System.Text.RegularExpressions;

namespace SentimentChat.Chat;

/// <summary>
/// Reads a short answer to "Could you tell me your order number or account email?" that says the customer has none to
/// give: "no", "I don't have it", "no, I don't have the order number", "no idea", "I lost the email". Asked that, a bare
/// "no" is not a goodbye, and asking the same question again would only make the customer say it twice.
/// </summary>
public static partial class DetailsRefusals
{
    // Whole answers, once courtesy words are gone from both ends ("sorry, no idea"). Negated have / know / remember /
    // find is read by NegatedDetails instead.
    private static readonly HashSet<string> Answers = new(StringComparer.Ordinal)
    {
        "no", "nope", "nah", "no idea", "not sure", "dunno", "no clue", "i lost it", "lost it", "i lost the email",
        "i deleted the email", "deleted it", "no account", "none", "neither", "no i don't", "no i dont", "i don't", "i dont",
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
        if (core.Count == 0)
        {
            return false;
        }
        string whole = string.Join(' ', core);
        return Answers.Contains(whole) || NegatedDetails().IsMatch(whole);
    }

    // "(no) (I) don't have / know / can't find / don't remember" followed only by words about the details themselves:
    // "I don't have the order number", "no, I can't find the email", "don't know my account email". Any other word
    // ("I don't have time for this") makes it a different message. NonBacktracking: linear in the (short) message.
    [GeneratedRegex(
        @"^(?:(?:no|nope|nah) )?(?:i )?(?:don't|dont|do not|can't|cant|cannot|didn't|didnt) (?:have|know|remember|find|get|keep)(?: (?:the|my|an|a|any|either|it|one|them|that|order|orders|account|email|e|mail|number|numbers|reference|ref|confirmation|address|of|or|on|me|with))*$",
        RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex NegatedDetails();
}

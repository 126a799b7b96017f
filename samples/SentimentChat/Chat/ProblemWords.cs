using System.Text.RegularExpressions;

namespace SentimentChat.Chat;

/// <summary>
/// Finds what the customer is upset about, so an apology can name it ("the double charge", "the wait") instead of
/// being generic. A short list of support topics, matched on word stems; the first match wins.
/// </summary>
public static partial class ProblemWords
{
    private static readonly (Regex Pattern, string Phrase)[] Topics =
    [
        (Topic(@"charg(ed|e|ing) (me )?twice|double[- ]charg|billed twice"), "the double charge"),
        (Topic(@"refund"), "your refund"),
        (Topic(@"on hold|waiting|wait(ed)? for|hours?|minutes?|days?|weeks?"), "the wait"),
        (Topic(@"deliver|shipping|package|parcel|arriv"), "your delivery"),
        (Topic(@"password|log ?in|sign ?in|locked out|account"), "your account access"),
        (Topic(@"bill|invoice|charge|payment|paid"), "the billing problem"),
        (Topic(@"broken|defect|damaged|doesn'?t work|not working|stopped working|crash"), "the faulty product"),
        (Topic(@"cancel"), "the cancellation"),
        (Topic(@"nobody|no one|no reply|no response|ignored|hung up"), "not getting an answer"),
    ];

    /// <summary>A phrase naming the problem in <paramref name="message"/>, or null when none is recognized.</summary>
    public static string? Find(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var (pattern, phrase) in Topics)
        {
            if (pattern.IsMatch(message))
            {
                return phrase;
            }
        }
        return null;
    }

    // NonBacktracking matches in time linear in the message (at most ChatLoop.MaxCharacters), so no input can make a
    // match run away and no timeout is needed; a wall-clock timeout fired on ordinary messages on a busy server, when
    // the matching thread was merely descheduled (seen with 50 concurrent web chats on two cores).
    private static Regex Topic(string pattern) => new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}

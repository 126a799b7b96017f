using System.Text.RegularExpressions;

namespace SentimentChat.Chat;

/// <summary>
/// Finds what the customer is upset about, so the apology can name it ("the double charge", "the wait") instead of
/// being generic. A short list of support topics, most specific first; the first match wins. Each topic has its own
/// sentence: "sorry about your refund; that shouldn't have happened" would call the refund itself the mistake.
/// </summary>
public static partial class ProblemWords
{
    // Every pattern starts at a word boundary ("days" must not match inside "yesterday" or "Monday"), and a length of
    // time counts as a wait only with a number or "for": "the opening hours" are not a wait.
    private static readonly (Regex Pattern, string Apology)[] Topics =
    [
        (Topic(@"charg(ed|e|ing) (me )?twice|double[- ]charg|billed twice"), "I'm sorry about the double charge; that shouldn't have happened."),
        (Topic(@"refund"), "I'm sorry about the trouble with your refund."),
        (Topic(@"deliver|shipping|shipped|package|parcel|arriv|tracking"), "I'm sorry your delivery hasn't gone as it should."),
        (Topic(@"on hold|waiting|wait(ed)? for|(\d+|an?|one|two|three|four|five|six|several|many|few|for|all) (more )?(hours?|minutes?|mins?|days?|weeks?|months?)\b"),
            "I'm sorry about the wait; that shouldn't have happened."),
        (Topic(@"password|log ?in|sign ?in|locked out|account"), "I'm sorry you're having trouble with your account."),
        (Topic(@"bill|invoice|charge|payment|paid"), "I'm sorry about the billing problem; that shouldn't have happened."),
        (Topic(@"broken|defect|damaged|doesn'?t work|not working|stopped working|crash"), "I'm sorry the product isn't working as it should."),
        (Topic(@"cancel"), "I'm sorry we've let you down."),
        (Topic(@"nobody|no one|no reply|no response|ignored|hung up"), "I'm sorry nobody got back to you; that shouldn't have happened."),
        (Topic(@"rude|unhelpful|unprofessional|your (agent|staff|employee|representative)"), "I'm sorry about how you were treated; that isn't how we want to help."),
    ];

    /// <summary>An apology naming the problem in <paramref name="message"/>, or null when none is recognized.</summary>
    public static string? Apology(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var (pattern, apology) in Topics)
        {
            if (pattern.IsMatch(message))
            {
                return apology;
            }
        }
        return null;
    }

    // NonBacktracking matches in time linear in the message (at most ChatLoop.MaxCharacters), so no input can make a
    // match run away and no timeout is needed; a wall-clock timeout fired on ordinary messages on a busy server, when
    // the matching thread was merely descheduled (seen with 50 concurrent web chats on two cores).
    private static Regex Topic(string pattern) =>
        new($@"\b({pattern})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}

using System.Text.RegularExpressions;

namespace SentimentChat.Chat;

/// <summary>
/// Finds what the customer is upset about, so the apology can name it ("the double charge", "the wait") instead of
/// being generic. A short list of support topics, most specific first; the first match wins. Each topic has its own
/// sentence: "sorry about your refund; that shouldn't have happened" would call the refund itself the mistake.
/// </summary>
public static partial class ProblemWords
{
    // Every pattern starts at a word boundary ("days" must not match inside "yesterday"), short words end at one too
    // ("charge" is not "charger"), and a length of time is a wait only beside waiting or holding ("it broke two weeks
    // after I bought it" is about the product). Staff and faults come before billing and delivery, whose words they
    // share ("the delivery guy was rude", "my broadband package doesn't work").
    private static readonly (Regex Pattern, string Apology)[] Topics =
    [
        (Topic(@"charg(ed|e|ing) (me )?twice|double[- ]charg|billed twice|(paid|payment|taken|went out|came out|debited)\b[^.?!]{0,20}\btwice"),
            "I'm sorry about the double charge; that shouldn't have happened."),
        (Topic(@"refund"), "I'm sorry about the trouble with your refund."),
        (Topic(@"rude|unhelpful|unprofessional|insult|yell(ed|ing)? at|hung up on me"), "I'm sorry about how you were treated; that isn't how we want to help."),
        (Topic(@"keeps? dropping|dropp(ed|ing|s)? (out|the (connection|call|line|signal))|disconnect|outage|no (signal|internet|connection|service|wi-?fi)\b|(internet|broadband|wi-?fi|service|site|website|app|network|line|connection|server|system|tv|signal)s? (is|are|was|went|has gone|have gone|has been|have been|keeps going|been) (down|off|out)\b"),
            "I'm sorry your service isn't working as it should."),
        (Topic(@"broken|broke\b|defect|damaged|cracked|smashed|shattered|scratched|dented|flicker|doesn'?t work|does not work|won'?t work|not working|stopped working|crash|faulty|won'?t (turn on|charge|start|load|open)"),
            "I'm sorry the product isn't working as it should."),
        (Topic(@"deliver|shipping|shipped|parcel|arriv|courier|(my|the) (package|order) (is|has|was|hasn'?t|never|still)"), "I'm sorry your delivery hasn't gone as it should."),
        (Topic(@"on hold|been waiting|waiting (for|since)|waited|(hours?|days?|weeks?|months?) of waiting|wait(ing)? (\d+|an?|one|two|three|several|many) (more )?(hours?|minutes?|mins?|days?|weeks?|months?)\b|queue"),
            "I'm sorry about the wait; that shouldn't have happened."),
        (Topic(@"password|log ?in|sign ?in|locked out|account"), "I'm sorry you're having trouble with your account."),
        (Topic(@"(bill|billed|billing|invoice|charged?|payment|paid)\b"), "I'm sorry about the billing problem; that shouldn't have happened."),
        (Topic(@"cancel"), "I'm sorry we've let you down."),
        (Topic(@"nobody|no one|no reply|no response|ignored|hung up"), "I'm sorry nobody got back to you; that shouldn't have happened."),
    ];

    /// <summary>An apology naming the problem in <paramref name="message"/>, or null when none is recognized.</summary>
    public static string? Apology(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string text = CustomersName().Replace(message, " ");
        foreach (var (pattern, apology) in Topics)
        {
            if (pattern.IsMatch(text))
            {
                return apology;
            }
        }
        return null;
    }

    // NonBacktracking matches in time linear in the message (at most ChatLoop.MaxCharacters), so no input can make a
    // match run away and no timeout is needed; a wall-clock timeout fired on ordinary messages on a busy server, when
    // the matching thread was merely descheduled (seen with 50 concurrent web chats on two cores).
    // "Hi, I'm Bill" introduces a customer, not a billing problem: the name is dropped before the topics are read.
    [GeneratedRegex(@"\b(i'?m|i am|my name is|my name'?s|this is|it'?s)\s+bill(y)?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex CustomersName();

    private static Regex Topic(string pattern) =>
        new($@"\b({pattern})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}

using System.Text.RegularExpressions;

namespace SentimentChat.Text;

/// <summary>
/// A message shouted in capitals about what a company sells or owes: "WHERE IS MY ORDER", "CANCEL MY SUBSCRIPTION NOW".
/// The labelling guideline counts shouting at the company as frustration even without a complaint word, but the
/// classifier learned capitals mostly from Reddit, where they are jokes and quotes: 348 of the 596 shouted GoEmotions
/// train and dev comments are labelled <c>other</c>, and it reads "WHERE IS MY ORDER" as a status question (P(other)
/// 0.70). Shouting about an order, a refund, an account or a bill is rare on Reddit (two train comments, both
/// labelled frustrated) and is a complaint in a support chat, so the classifier reads it as one.
/// </summary>
public static partial class ShoutingAtTheCompany
{
    /// <summary>Whether <paramref name="text"/> is mostly capitals (<see cref="Capitals.Mostly"/>) and names something
    /// the company sells, delivers or owes.</summary>
    public static bool In(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string unmasked = NameMasks.Unmasked(text);
        return Capitals.Mostly(unmasked) && ServiceWords().IsMatch(unmasked);
    }

    // NonBacktracking: linear time in the text's length, whatever it holds.
    [GeneratedRegex(@"\b(orders?|refunds?|parcels?|packages?|deliver(y|ed|ies)?|accounts?|bill(ed|ing)?|charged?|invoice|internet|wi-?fi|broadband|connection|phone line|service|subscription|payments?|booking|flights?|tickets?|money back|my money|reply|response)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex ServiceWords();
}

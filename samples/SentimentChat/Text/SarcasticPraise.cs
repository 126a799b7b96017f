using System.Text.RegularExpressions;

namespace SentimentChat.Text;

/// <summary>
/// Praise words that can only be meant the other way round: "thanks for nothing", "love that for me" after a complaint,
/// "great job losing my parcel". Every member of the classifier reads them as praise (round five of the customer-service
/// corpus: sarcasm made 14 of the 17 complaints it missed), and training on sarcastic messages did not teach it, so the
/// classifier reads these few fixed phrases as what they say. Kept to wordings nobody writes sincerely: "great, another
/// parcel arrived" can be glad, "thanks for nothing" cannot.
/// </summary>
public static partial class SarcasticPraise
{
    /// <summary>Whether <paramref name="text"/> holds one of the phrases.</summary>
    public static bool In(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Phrases().IsMatch(text);
    }

    // NonBacktracking: linear time in the text's length, whatever it holds. "great job" takes only a verb of doing harm
    // ("good job getting healthy" is praise on Reddit).
    [GeneratedRegex(@"\bthanks?(\s+you)?(\s+(so|very))?(\s+(much|a lot|a bunch|again))?\s+for\s+nothing\b|\blove\s+(that|this)\s+for\s+me\b|\b((great|good|nice|fantastic|brilliant|excellent|amazing|stellar|top)\s+(job|work|going|effort)|well\s+done)\s+(on\s+)?(losing|ignoring|breaking|ruining|wasting|cancell?ing|messing|overcharging|forgetting|double[- ]charging|charging me twice)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Phrases();
}

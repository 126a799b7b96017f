using System.Text.RegularExpressions;

namespace SentimentChat.Text;

/// <summary>
/// Praise words that can only be meant the other way round: "thanks for nothing", "love that for me" after a complaint,
/// "great job losing my parcel", "great, another week of waiting". Every member of the classifier reads them as praise
/// (round five of the customer-service corpus: sarcasm made 14 of the 17 complaints it missed), and training on
/// sarcastic messages did not teach it, so the classifier reads these few fixed phrases as what they say. Kept to
/// wordings nobody writes sincerely: "great, another parcel arrived" can be glad, "thanks for nothing" and "wonderful,
/// another delay" cannot.
/// </summary>
public static partial class SarcasticPraise
{
    /// <summary>Whether <paramref name="text"/> holds one of the phrases.</summary>
    public static bool In(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Phrases().IsMatch(text) || PraiseForMoreTrouble().IsMatch(text);
    }

    // NonBacktracking: linear time in the text's length, whatever it holds. "great job" takes only a verb of doing harm
    // ("good job getting healthy" is praise on Reddit).
    [GeneratedRegex(@"\bthanks?(\s+you)?(\s+(so|very))?(\s+(much|a lot|a bunch|again))?\s+for\s+nothing\b|\blove\s+(that|this)\s+for\s+me\b|\b((great|good|nice|fantastic|brilliant|excellent|amazing|stellar|top)\s+(job|work|going|effort)|well\s+done)\s+(on\s+)?(losing|ignoring|breaking|ruining|wasting|cancell?ing|messing|overcharging|forgetting|double[- ]charging|charging me twice)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Phrases();

    // "Great, another week of waiting", "oh wonderful. ANOTHER delay", "perfect, yet another automated reply": a word of
    // praise, then another or one more of something only a failure brings. The list of failures is closed on purpose:
    // "great, another parcel arrived", "yay, one more episode" and "perfect, one more question" stay praise or neutral.
    // Up to three words may stand between ("another two weeks of waiting", "one more surprise fee"), taken from a short
    // list of counts and intensifiers, so "another day without errors" is not read as one. GoEmotions has no comment of
    // this form (its four "great, another ..." comments name a patch, an article, an episode and a player).
    [GeneratedRegex(@"\b(great|wonderful|fantastic|brilliant|perfect|lovely|awesome|marvell?ous|terrific|super|excellent|amazing|splendid|yay|joy|just what i needed|exactly what i needed)[\s,.!…:;-]+((just|and|now|oh|so|yes|here comes)[\s,.!…:;-]+)*(another|yet another|one more|a (second|third|fourth|fifth|sixth))\s+((\d+|two|three|four|five|six|few|couple|whole|full|long|extra|surprise|hidden|random|unexpected|round|load|batch|pile|set|of)\s+){0,3}(delays?|excuses?|outages?|errors?|error messages?|fees?|surcharges?|overcharges?|price (rise|hike|increase)s?|price hikes?|waits?|(weeks?|days?|months?|hours?|minutes?|mins?)\s+(of|on)\s+(waiting|wait|delays?|silence|excuses|being ignored|nothing|hold)|(failed|missed|late|lost) deliver(y|ies)|automated (replies|reply|emails?|messages?|responses?)|(useless|pointless|canned|generic|copy-?pasted?) (replies|reply|emails?|answers?|responses?)|broken promises?|power cuts?|disconnect(ion)?s?|dropouts?|crash(es)?|cancell?ed (flights?|trains?|orders?|appointments?|deliver(y|ies))|wrong (items?|orders?|sizes?|parcels?|bills?))\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex PraiseForMoreTrouble();
}

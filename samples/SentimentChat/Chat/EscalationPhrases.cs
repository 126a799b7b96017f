using System.Text.RegularExpressions;

namespace SentimentChat.Chat;

/// <summary>
/// The few phrase patterns <see cref="EscalationPolicy"/> reads in a customer's message. Kept short on purpose: each
/// pattern covers a family of wordings ("speak to a manager", "get me a real person", "HUMAN") rather than listing
/// sentences, tolerates the typos customers really make where that is cheap ("manger", "cancle", "supervisior"), and
/// ignores case. Neutral mentions are guarded: "how do I cancel my order" is not a threat, "human-readable" and
/// "password manager" are not requests for a person.
/// </summary>
public static partial class EscalationPhrases
{
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
    private const int TimeoutMilliseconds = 200;

    // Who a customer asks for. "rep" and "agent" alone are too common in neutral text ("travel agent"), so they need
    // a verb of asking before them or "real"/"live"/"human" beside them.
    private const string Person = @"(human|person|people|somebody|someone|man(a|e)?ger|manger|supervis(i)?(o|e)r|representative|represen?tive|rep|agent|operator|staff member|team leader|customer service)";

    /// <summary>An explicit request for a person: "speak to a manager", "real human please", "can someone call me", "HUMAN".</summary>
    public static bool RequestsPerson(string message)
    {
        string text = Unguarded(message);
        return AskForPerson().IsMatch(text) || RealPerson().IsMatch(text) || PersonAlone().IsMatch(text) || CallMe().IsMatch(text);
    }

    /// <summary>A threat that holds whatever the tone: chargeback, lawsuit, bad review, regulator, switching provider.</summary>
    public static bool ThreatensAction(string message) => Threat().IsMatch(message);

    /// <summary>Talk of cancelling or leaving that is not a how-to question; a threat when said in frustration.</summary>
    public static bool TalksOfLeaving(string message) =>
        Leaving().IsMatch(message) && !HowToQuestion().IsMatch(message) && !CompanyCancelled().IsMatch(message);

    /// <summary>Says this is not the first contact: "third time", "already called", "nobody ever answers".</summary>
    public static bool SaysRepeatedContact(string message) => RepeatedContact().IsMatch(message);

    /// <summary>Exasperated words: "ridiculous", "unacceptable", "are you kidding", swearing (also starred).</summary>
    public static bool Exasperated(string message) => Exasperation().IsMatch(message);

    /// <summary>Removes the neutral compounds that contain a person word, so they cannot match.</summary>
    private static string Unguarded(string message) => NeutralCompound().Replace(message, " ");

    [GeneratedRegex(@"human[- ]readable|human[- ]resources|password[- ]manager|download manager|file manager|manager app|agent[- ]based|user agent", Options, TimeoutMilliseconds)]
    private static partial Regex NeutralCompound();

    // "talk to my travel agent" is rare in a complaint; "want my agent's number" would be worse, so verbs of wanting
    // need the person right after them ("I want a manager", "get me a real person").
    [GeneratedRegex(@"\b(speak|talk|chat|connect|transfer|put me through|pass (this|it|me)|escalate)\w*\b[^.?!]{0,30}?\b(to|with)\s+([\w']+\s+){0,2}?" + Person + @"\b|\b(get|give|want|need|bring|find|send)\s+(me\s+)?(a|an|your|the|to\s+(speak|talk)\s+(to|with)(\s+(a|an|the|your))?)\s+(real\s+|actual\s+|live\s+|human\s+)?" + Person + @"\b", Options, TimeoutMilliseconds)]
    private static partial Regex AskForPerson();

    [GeneratedRegex(@"\b(real|actual|live|human|proper)\s+(human|person|people|being|agent|representative|rep|operator|support)\b|\bnot\s+(a|another|this|your)?\s*(stupid\s+|dumb\s+)?(bot|robot|chatbot|machine|ai)\b|\bescalat(e|ed|ing|ion)\b|\b(your|the)\s+(man(a|e)?ger|manger|supervis(i)?(o|e)r)\b", Options, TimeoutMilliseconds)]
    private static partial Regex RealPerson();

    [GeneratedRegex(@"^\W*(human|agent|representative|operator|person|manager|supervisor)(\s+(please|pls|plz|now))?\W*$", Options, TimeoutMilliseconds)]
    private static partial Regex PersonAlone();

    [GeneratedRegex(@"\b(call|ring|phone)\s+me\b|\bphone call with\b|\bcallback\b", Options, TimeoutMilliseconds)]
    private static partial Regex CallMe();

    [GeneratedRegex(@"charge\s*-?\s*back|\bdispute\s+(the|this|that|a|my)\s+(charge|payment|transaction)|\bsu(e|ing)\s+(you|u|them|your)\b|\blegal action\b|\blawyer|\battorney|\bsmall claims\b|\b(bad|negative|terrible|awful|honest|1|one)[- ]?(star\s+)?reviews?\b|\b(1|one)[- ]star\b|\btrustpilot\b|\byelp\b|\bsocial media\b|\bgo(ing)? public\b|\breport(ing)?\s+(you|this|it|u|your company)\s+to\b|\bregulator\b|\bombudsman\b|\btrading standards\b|\bconsumer protection\b|\b(bbb|fcc|ofcom|cfpb|ftc)\b|\b(take|taking)\s+(my|our)\s+(business|money|custom)\s+(elsewhere|somewhere else)|\bswitch(ing)?\s+(to\s+)?(another|a different|other|a new)\s+(provider|company|bank|carrier|network|supplier|service)|\b(go|going|move|moving)\s+to\s+(a\s+|your\s+)?competitors?\b|\bnever\s+(\w+\s+){0,3}(again|from you)\b|\b(i'?m|i am|we'?re|we are)\s+(so\s+)?done\s+with\s+(you|this|u|your)", Options, TimeoutMilliseconds)]
    private static partial Regex Threat();

    [GeneratedRegex(@"\b(cancel+(ing|ed|ation)?|cancle|terminat(e|ing)|clos(e|ing)\s+(my|our|the)\s+account|leav(e|ing)\s+(you|your|this)|quit(ting)?\s+(you|your|this))\b", Options, TimeoutMilliseconds)]
    private static partial Regex Leaving();

    [GeneratedRegex(@"\b(how|where|when)\s+(do|can|could|would|should|to)\b|\bis it possible\b|\bcan i\b|\bam i able\b|\bwhat happens if\b", Options, TimeoutMilliseconds)]
    private static partial Regex HowToQuestion();

    // "you cancelled my flight" is a complaint about the company, not the customer threatening to leave.
    [GeneratedRegex(@"\b(you|they|was|were|been|got|has|have|had)\s+(just\s+)?cancel+ed\b", Options, TimeoutMilliseconds)]
    private static partial Regex CompanyCancelled();

    [GeneratedRegex(@"\b(second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th|\d+(st|nd|rd|th)|umpteenth|hundredth|millionth|nth|last)\s+time\b|\b(already|again|keep|kept|repeatedly)\s+(been\s+)?(call|contact|email|writ|wrote|messag|ask|told|tell|explain|spoke|speak|chat|report|sent|send|complain|tri|try)\w*|\b(call|contact|email|writ|wrote|messag|ask|told|chat|report|complain|tri|spoke|spoken)\w*\b[^.?!]{0,25}\b(twice|three times|four times|five times|\d+ times|multiple times|several times|many times|so many times|numerous times|a dozen times|times already|again|before|every day)\b|\b(nobody|no one|noone|no-one)\s+(ever\s+)?(answers|answered|replies|replied|responds|responded|gets back|got back|calls? back|called back|picks up|picked up|helps|helped|returns|returned)|\bi'?ve\s+(already\s+)?(called|written|emailed|contacted|asked|messaged|chatted|explained)\b|\b(yet|once)\s+again\b|\bhow many (more )?times\b|\bsame (answer|reply|response|script|message)\b|\bevery time i\b", Options, TimeoutMilliseconds)]
    private static partial Regex RepeatedContact();

    [GeneratedRegex(@"\b(ridiculous|ridiculus|rediculous|unacceptable|unaceptable|absurd|pathetic|useless|incompetent|joke|insane|outrageous|disgrace\w*|disgusting|scam|scammers?|wtf|ffs|omg|bs|bullshit|shit\w*|crap\w*|damn|hell|f+u+c+k\w*|screw (you|this)|unbelievable|worst|fed up|sick (of|and tired)|had enough|enough is enough|waste of (my )?time|are you (kidding|serious|joking)|seriously\?)|f\*+\w*|s\*+t\b|sh\*t", Options, TimeoutMilliseconds)]
    private static partial Regex Exasperation();
}

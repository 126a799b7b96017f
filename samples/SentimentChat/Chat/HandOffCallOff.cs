using System.Text.RegularExpressions;

namespace SentimentChat.Chat;

/// <summary>
/// Reads whether a customer who asked for a person takes it back: "never mind, it's sorted", "no need anymore",
/// "cancel that", "I don't need a person any more". Asked only while someone has been asked to join, so ordinary
/// relief earlier in a conversation withdraws nothing.
/// </summary>
public static partial class HandOffCallOff
{
    /// <summary>Whether <paramref name="message"/> withdraws the request for a person.</summary>
    public static bool CallsOff(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Relief that asks something ("sorry for the bother, when will they join?") is still waiting for the person.
        return (EscalationPhrases.Relieved(message) && !message.Contains('?', StringComparison.Ordinal))
            || EscalationPhrases.TurnsDownPerson(message) || Withdrawal().IsMatch(message);
    }

    // Relief ("never mind", "all good now", "found it") and turning a person down cover most; these name the request
    // itself. "cancel my subscription" is not one: only cancelling "that", "it" or the request counts.
    [GeneratedRegex(@"\bno\s+need\s+(any\s?more|now|after all|for (that|them|him|her|a (person|human|manager|agent)))\b|\bcancel\s+(that|it|the (request|agent|call|callback|hand-?off)|the (agent|person|human) request)\b|\bdon'?t\s+bother\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Withdrawal();
}

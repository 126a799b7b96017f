using System.Text.RegularExpressions;

namespace SentimentChat.Chat;

/// <summary>
/// Whether a message already carries the details an agent would ask for: an order, ticket or account number, or an
/// email address. The template replies ask for them only when they are missing; asking a customer who just wrote
/// "where is my order #4411?" for the order number is the kind of reply that frustrates.
/// </summary>
public static partial class CustomerDetails
{
    /// <summary>True when <paramref name="message"/> holds a reference number (three or more digits, or "#" and a code) or an email address.</summary>
    /// <param name="message">The customer's message.</param>
    public static bool Mentioned(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Reference().IsMatch(message);
    }

    // Three digits or more as a word ("4411", "A-20931" counts by its digits), "#" with a code ("#A12"), or a
    // something@something.tld address. Amounts and dates match too ("$120", "2024"): a customer who wrote them has
    // given details, and the reply only stops asking for more. NonBacktracking keeps the time linear in the message's
    // length, as EscalationPhrases' patterns do, whatever a customer pastes.
    [GeneratedRegex(@"\d{3,}|#\s?[A-Za-z0-9-]*\d|[^\s@]+@[^\s@]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Reference();
}

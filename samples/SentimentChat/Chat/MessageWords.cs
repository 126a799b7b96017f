using System.Text;

namespace SentimentChat.Chat;

/// <summary>A short message as lower-cased words, for the replies that read a few set phrases ("yes please", "bye").</summary>
internal static class MessageWords
{
    /// <summary>The longest message read as a set phrase; a longer one says more than "yes", "hi" or "bye".</summary>
    public const int MaxCharacters = 60;

    /// <summary>
    /// The words of <paramref name="message"/>, lower-cased, apostrophes kept ("i'm", typographic ones made plain) and
    /// everything else (punctuation, emoji) dropped; null when the message is longer than <see cref="MaxCharacters"/>.
    /// </summary>
    public static List<string>? Of(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Length > MaxCharacters)
        {
            return null;
        }
        var text = new StringBuilder(message.Length);
        foreach (char c in message)
        {
            text.Append(c is '\u2019' or '\'' ? '\'' : char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
        }
        return [.. text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>Drops the words of <paramref name="filler"/> from both ends (all of them, when nothing else is there).</summary>
    public static List<string> Trim(List<string> words, IReadOnlySet<string> filler)
    {
        ArgumentNullException.ThrowIfNull(words);
        int start = 0, end = words.Count;
        while (end > start && filler.Contains(words[end - 1]))
        {
            end--;
        }
        while (start < end && filler.Contains(words[start]))
        {
            start++;
        }
        return words.GetRange(start, end - start);
    }
}

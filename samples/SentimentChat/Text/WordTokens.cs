using System.Text.RegularExpressions;

namespace SentimentChat.Text;

/// <summary>
/// Splits a message into words that a pretrained vector table knows (<see cref="SentimentChat.Model.WordVectors"/>):
/// lower-cased, every punctuation mark a word of its own, and contractions spelt out, because the shipped GloVe table
/// has no word with an apostrophe in it: "don't" is "do" + "not", "can't" "can" + "not", "I'm" "i" + "am". A
/// possessive or "is" ("'s") is dropped: it could be either.
/// </summary>
public static partial class WordTokens
{
    /// <summary>The words of <paramref name="text"/>, in order.</summary>
    public static List<string> Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Typographic apostrophes (phones type them) are the ASCII one.
        string folded = text.ToLowerInvariant().Replace('\u2019', '\'').Replace('\u2018', '\'');
        var words = new List<string>();
        foreach (ValueMatch match in Word().EnumerateMatches(folded))
        {
            string word = folded.Substring(match.Index, match.Length);
            bool beforeNot = string.CompareOrdinal(folded, match.Index + match.Length, "n't", 0, 3) == 0;
            string? spelt = beforeNot ? StemBeforeNot(word) : Clitic(word);
            if (spelt is not null)
            {
                words.Add(spelt);
            }
        }
        return words;
    }

    /// <summary>"ca" of "can't" is "can", "wo" of "won't" "will", "sha" of "shan't" "shall"; other stems ("do", "is") are whole.</summary>
    private static string StemBeforeNot(string stem) => stem switch
    {
        "ca" => "can",
        "wo" => "will",
        "sha" => "shall",
        _ => stem,
    };

    /// <summary>A contraction's word in full, null for "'s" (drop it), any other word unchanged.</summary>
    private static string? Clitic(string word) => word switch
    {
        "n't" => "not",
        "'m" => "am",
        "'re" => "are",
        "'ve" => "have",
        "'ll" => "will",
        "'d" => "would",
        "'s" => null,
        _ => word,
    };

    // In order: the stem before "n't" ("do" of "don't"), "n't" itself, a contraction ("'s", "'re", "'ll"), a word, a
    // number, any other single non-space character.
    [GeneratedRegex(@"[a-z]+(?=n't)|n't|'[a-z]+|[a-z]+|[0-9]+|[^\sa-z0-9]", RegexOptions.CultureInvariant)]
    private static partial Regex Word();
}

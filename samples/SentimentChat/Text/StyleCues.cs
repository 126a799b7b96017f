namespace SentimentChat.Text;

/// <summary>A cue in how a message is written, kept apart from its words because lower-casing erases it.</summary>
public enum StyleCue
{
    /// <summary>An exclamation mark.</summary>
    Exclamation,

    /// <summary>Two or more exclamation marks in a row ("!!").</summary>
    RepeatedExclamation,

    /// <summary>A question mark.</summary>
    Question,

    /// <summary>Two or more question marks in a row, or "?!" ("hello??").</summary>
    RepeatedQuestion,

    /// <summary>A shouted word: three or more letters, all upper-case ("WHY").</summary>
    ShoutedWord,

    /// <summary>Most of the message in capitals (at least 8 letters, 70% upper-case).</summary>
    Shouting,

    /// <summary>At most three words.</summary>
    Short,

    /// <summary>No letters at all ("???", "!!!", "...").</summary>
    NoLetters,

    /// <summary>A trailing or inner ellipsis ("great...").</summary>
    Ellipsis,

    /// <summary>A number of three or more digits (order numbers, amounts, dates).</summary>
    Number,
}

/// <summary>Finds the <see cref="StyleCue"/>s of a message.</summary>
public static class StyleCues
{
    /// <summary>How many cues there are.</summary>
    public static int Count { get; } = Enum.GetValues<StyleCue>().Length;

    /// <summary>The cues present in <paramref name="text"/> (as written, not lower-cased), each once, in enum order.</summary>
    public static List<StyleCue> Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = NameMasks.Unmasked(text);
        int letters = 0, upper = 0, words = 0, digitsRun = 0, maxDigits = 0, wordLetters = 0, wordUpper = 0;
        bool shoutedWord = false, inWord = false;
        foreach (char c in text + " ")
        {
            if (char.IsLetter(c))
            {
                letters++;
                wordLetters++;
                if (char.IsUpper(c))
                {
                    upper++;
                    wordUpper++;
                }
            }
            digitsRun = char.IsDigit(c) ? digitsRun + 1 : 0;
            maxDigits = Math.Max(maxDigits, digitsRun);
            bool wordChar = char.IsLetterOrDigit(c) || c is '\'' or '’';
            if (wordChar && !inWord)
            {
                words++;
            }
            if (!wordChar && inWord)
            {
                shoutedWord |= wordLetters >= 3 && wordUpper == wordLetters;
                wordLetters = wordUpper = 0;
            }
            inWord = wordChar;
        }
        var cues = new List<StyleCue>(Count);
        Add(cues, StyleCue.Exclamation, text.Contains('!'));
        Add(cues, StyleCue.RepeatedExclamation, text.Contains("!!", StringComparison.Ordinal));
        Add(cues, StyleCue.Question, text.Contains('?'));
        Add(cues, StyleCue.RepeatedQuestion, text.Contains("??", StringComparison.Ordinal) || text.Contains("?!", StringComparison.Ordinal));
        Add(cues, StyleCue.ShoutedWord, shoutedWord);
        Add(cues, StyleCue.Shouting, letters >= 8 && upper >= 0.7 * letters);
        Add(cues, StyleCue.Short, words <= 3);
        Add(cues, StyleCue.NoLetters, letters == 0 && text.Trim().Length > 0);
        Add(cues, StyleCue.Ellipsis, text.Contains("..", StringComparison.Ordinal) || text.Contains('…'));
        Add(cues, StyleCue.Number, maxDigits >= 3);
        return cues;
    }

    private static void Add(List<StyleCue> cues, StyleCue cue, bool present)
    {
        if (present)
        {
            cues.Add(cue);
        }
    }
}

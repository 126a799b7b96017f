namespace SentimentChat.Text;

/// <summary>Whether a message is written mostly in capitals: the whole message shouted, not one stressed word.</summary>
public static class Capitals
{
    /// <summary>Whether at least 60% of the letters are upper-case, over at least eight letters ("WHERE IS MY REFUND",
    /// "ok WHERE IS IT"). Fewer letters are too few to tell shouting from an acronym or a code ("SIM", "PIN OK").</summary>
    /// <param name="text">The message as written.</param>
    public static bool Mostly(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int letters = 0, upper = 0;
        foreach (char c in text)
        {
            if (char.IsLetter(c))
            {
                letters++;
                upper += char.IsUpper(c) ? 1 : 0;
            }
        }
        return letters >= 8 && upper >= 0.6 * letters;
    }
}

namespace SentimentChat.Text;

/// <summary>GoEmotions' masks for people's names and religions ("[NAME]", "[RELIGION]"), which only that data holds.</summary>
public static class NameMasks
{
    /// <summary><paramref name="text"/> with each mask written as a plain lower-case word, so a test of capitals does not
    /// read the mask as the writer shouting.</summary>
    public static string Unmasked(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("[NAME]", "name", StringComparison.Ordinal).Replace("[RELIGION]", "religion", StringComparison.Ordinal);
    }
}

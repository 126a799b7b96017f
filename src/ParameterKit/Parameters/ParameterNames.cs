namespace ParameterKit.Parameters;

/// <summary>
/// Rules for name segments. Hugging Face state dicts join segments with dots (<c>h.0.attn.c_attn.weight</c>),
/// so a segment itself may not contain a dot: the scope adds them, and a name is never ambiguous.
/// </summary>
internal static class ParameterNames
{
    public const char Separator = '.';

    public static void ValidateSegment(string? prefix, string segment)
    {
        string shown = Join(prefix, segment);
        if (string.IsNullOrEmpty(segment))
        {
            throw new ParameterNameException(shown, "a name segment must not be empty");
        }
        foreach (char ch in segment)
        {
            if (ch == Separator)
            {
                throw new ParameterNameException(shown, $"'{segment}' contains the path separator '.'; use a nested scope for each segment");
            }
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-'))
            {
                throw new ParameterNameException(shown, $"'{segment}' contains '{ch}' (U+{(int)ch:X4}); allowed are ASCII letters, digits, '_' and '-'");
            }
        }
    }

    public static string Join(string? prefix, string segment) =>
        string.IsNullOrEmpty(prefix) ? segment : prefix + Separator + segment;
}

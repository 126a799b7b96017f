namespace ParameterKit.Transformers;

/// <summary>
/// Where stop strings occur in a growing completion. A stop string can be spelled by several tokens, so the streamed
/// text must hold back any tail that could still grow into one: <see cref="LongestPrefixAtEnd"/> measures that tail.
/// </summary>
internal static class StopStringSearch
{
    /// <summary>The index of the earliest occurrence of any of <paramref name="stops"/> in <paramref name="text"/>; -1 when none occurs.</summary>
    public static int IndexOfFirst(string text, IReadOnlyList<string> stops)
    {
        int first = -1;
        foreach (string stop in stops)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
            {
                first = at;
            }
        }
        return first;
    }

    /// <summary>
    /// The length of the longest suffix of <paramref name="text"/> that is a proper prefix of one of
    /// <paramref name="stops"/> (0 when none is): those characters may yet turn out to start a stop string.
    /// </summary>
    public static int LongestPrefixAtEnd(string text, IReadOnlyList<string> stops)
    {
        int longest = 0;
        foreach (string stop in stops)
        {
            for (int n = Math.Min(stop.Length - 1, text.Length); n > longest; n--)
            {
                if (text.AsSpan(text.Length - n).SequenceEqual(stop.AsSpan(0, n)))
                {
                    longest = n;
                    break;
                }
            }
        }
        return longest;
    }
}

namespace ParameterKit.CommandLine;

/// <summary>"Did you mean --json?": the known option or command closest to a misspelt one.</summary>
internal static class EditDistance
{
    /// <summary>The closest known option or command to <paramref name="unknown"/>, when it is close enough to be a typo.</summary>
    /// <param name="unknown">What was typed, with or without dashes.</param>
    /// <param name="known">Long options with their dashes (<c>--json</c>) or command names (<c>classify</c>); short
    /// options (<c>-j</c>) are never suggested, one letter is too little to guess from.</param>
    /// <returns>The suggestion, as it is written in <paramref name="known"/>, or null.</returns>
    public static string? Closest(string unknown, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(unknown);
        ArgumentNullException.ThrowIfNull(known);
        string typed = unknown.TrimStart('-');
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string option in known.Where(o => o.StartsWith("--", StringComparison.Ordinal) || !o.StartsWith('-')))
        {
            // Case is no edit: "--JSON" (caps lock, or a habit from case-blind tools) means --json.
            int distance = Distance(typed.ToLowerInvariant(), option.TrimStart('-').ToLowerInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (option, distance);
            }
        }
        // One edit in four characters, at most three: "jsn" -> "json", "utilisation" -> "utilization".
        int allowed = Math.Min(3, Math.Max(1, typed.Length / 4));
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>
    /// Edits between two words: insertions, deletions, substitutions and swaps of two neighbouring letters, each one
    /// edit (the optimal string alignment distance). Swapped neighbours are the commonest typo ("cuont", "--josn"), and
    /// plain Levenshtein counts them as two, too far to suggest anything for a short word. Three rows of memory.
    /// </summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var beforePrevious = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j], current[j - 1]) + 1);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    current[j] = Math.Min(current[j], beforePrevious[j - 2] + 1);
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious);
        }
        return previous[b.Length];
    }
}

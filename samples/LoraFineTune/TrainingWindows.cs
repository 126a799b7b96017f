using ParameterKit.Models.Gpt2;

namespace LoraFineTune;

/// <summary>Cuts the encoded text into next-token windows and lays out exactly the examples a run of N steps reads.</summary>
internal static class TrainingWindows
{
    /// <summary>
    /// Non-overlapping windows of T + 1 ids, T = min(<paramref name="context"/>, tokens − 1): a text shorter than one
    /// full window still trains, on one shorter window.
    /// </summary>
    /// <exception cref="ArgumentException">The text encodes to fewer than two tokens.</exception>
    public static List<int[]> Cut(IReadOnlyList<int> tokens, int context, string textPath)
    {
        if (tokens.Count < 2)
        {
            throw new ArgumentException($"'{textPath}' encodes to {tokens.Count} token(s); next-token training needs at least 2.");
        }
        int t = Math.Min(context, tokens.Count - 1);
        return Gpt2LanguageModelTask.Windows(tokens, length: t + 1, stride: t);
    }

    /// <summary>
    /// <paramref name="steps"/> × <paramref name="batch"/> examples: passes over the windows, each pass in an order
    /// shuffled from <paramref name="seed"/>, so the trainer's one epoch over them is exactly N optimizer steps.
    /// </summary>
    public static List<int[]> ForSteps(List<int[]> windows, int steps, int batch, ulong seed)
    {
        // A seeded System.Random is stable across runs and .NET versions (its seeded algorithm is frozen for compatibility).
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var order = Enumerable.Range(0, windows.Count).ToArray();
        int total = checked(steps * batch);
        var examples = new List<int[]>(total);
        while (examples.Count < total)
        {
            // Each pass in a fresh order from the seeded stream: the same seed reads the text in the same order.
            random.Shuffle(order);
            foreach (int index in order)
            {
                if (examples.Count == total)
                {
                    break;
                }
                examples.Add(windows[index]);
            }
        }
        return examples;
    }
}

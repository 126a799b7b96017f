namespace ParameterKit.CommandLine;

/// <summary>
/// Keeps text that starts with a dash whole. Spectre.Console.Cli 0.57 reads a word beginning with "-" as an option or a
/// negative number and stops at its first space, so <c>classify "-1 stars, awful"</c> classified "-1" and
/// <c>--prompt "-5 days late"</c> prompted "-5", both silently. A word with a space in it (before any <c>=</c>) cannot be
/// an option, so it is text: after an option that takes a value it is joined as <c>--option=text</c>, which Spectre keeps
/// whole; in an argument's place it gets a leading space, which Spectre does not read as a dash (the commands that take
/// free text trim it).
/// After <c>--</c> every word is an argument, as POSIX has it, even one that starts with a dash: the <c>--</c> is dropped
/// and each dash-led word after it gets the leading space. Spectre would have put those words in
/// <c>CommandContext.Remaining</c>, which no command reads, so <c>classify hello -- world</c> classified "hello" and
/// dropped "world" silently, and <c>classify -- "--not again"</c> failed on an "invalid long option name"; a command that
/// takes no argument now refuses such words instead of ignoring them.
/// </summary>
internal static class DashLedArguments
{
    /// <summary>The command line with dash-led text protected; the same array when nothing needed it.</summary>
    /// <param name="args">The command line, with an optional <c>--</c> before words that are arguments whatever they look like.</param>
    /// <param name="declared">The command's options (<see cref="OptionSuggestions.OptionsOf"/>), or null when unknown.</param>
    public static string[] Protect(string[] args, IReadOnlyList<string>? declared)
    {
        ArgumentNullException.ThrowIfNull(args);
        IReadOnlySet<string> takingValues = declared is DeclaredOptions options ? options.TakingValues : new HashSet<string>();
        var result = new List<string>(args.Length);
        bool changed = false;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                changed = true;
                foreach (string operand in args.AsSpan(i + 1))
                {
                    result.Add(operand.StartsWith('-') ? " " + operand : operand);
                }
                break;
            }
            if (!IsDashLedText(arg))
            {
                result.Add(arg);
                continue;
            }
            changed = true;
            if (result.Count > 0 && result[^1].StartsWith("--", StringComparison.Ordinal) && takingValues.Contains(result[^1]))
            {
                result[^1] = $"{result[^1]}={arg}";
            }
            else
            {
                result.Add(" " + arg);
            }
        }
        return changed ? [.. result] : args;
    }

    /// <summary>
    /// An argument as it was typed: the leading space <see cref="Protect"/> put before a dash-led word taken off again.
    /// Free text is trimmed anyway; a path must not be (<c>inspect -- -old.safetensors</c> looked for " -old.safetensors").
    /// </summary>
    /// <param name="value">An argument's value as Spectre bound it.</param>
    public static string AsTyped(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.StartsWith(" -", StringComparison.Ordinal) ? value[1..] : value;
    }

    /// <summary>Whether <paramref name="arg"/> starts with a dash and has whitespace before any <c>=</c>: text, never an option.</summary>
    public static bool IsDashLedText(string arg)
    {
        if (arg.Length < 2 || arg[0] != '-')
        {
            return false;
        }
        int equals = arg.IndexOf('=', StringComparison.Ordinal);
        ReadOnlySpan<char> name = equals < 0 ? arg : arg.AsSpan(0, equals);
        foreach (char c in name)
        {
            if (char.IsWhiteSpace(c))
            {
                return true;
            }
        }
        return false;
    }
}

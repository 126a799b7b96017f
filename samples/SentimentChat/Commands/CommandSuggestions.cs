using ParameterKit.CommandLine;
using System.Text.RegularExpressions;

namespace SentimentChat.Commands;

/// <summary>
/// Turns Spectre's parse errors into one line with a "did you mean" when a command or option is misspelt
/// (Spectre suggests commands itself but not options).
/// </summary>
public static partial class CommandSuggestions
{
    /// <summary>Every option some command takes.</summary>
    public static IReadOnlyList<string> Options { get; } =
        ["--model", "--verbose", "--json", "--data", "--conversations", "--baseline", "--epochs", "--seed", "--out", "--llm", "--llm-model", "--api-key", "--local-model", "--help", "--version"];

    /// <summary>The message for an unknown command.</summary>
    public static string UnknownCommand(string command) =>
        Closest(command, App.Commands) is { } near
            ? $"Unknown command '{command}'. Did you mean '{near}'?"
            : $"Unknown command '{command}'. Commands: {string.Join(", ", App.Commands)}.";

    /// <summary>Spectre's message in one line, with a suggestion for an unknown option.</summary>
    public static string Explain(string message, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string line = ErrorOutput.OneLine(message);
        var command = UnknownCommandMessage().Match(line);
        if (command.Success)
        {
            return UnknownCommand(command.Groups["name"].Value);
        }
        var unknown = UnknownOption().Match(line);
        if (unknown.Success)
        {
            string option = "--" + unknown.Groups["name"].Value;
            return Closest(option, Options) is { } near && !line.Contains("Did you mean", StringComparison.Ordinal)
                ? $"{line} Did you mean '{near}'?"
                : line;
        }
        return line;
    }

    /// <summary>The candidate within edit distance 2 (or a third of the word) of <paramref name="word"/>, if any.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(candidates);
        int allowed = Math.Max(2, word.Length / 3);
        return candidates
            .Select(c => (Candidate: c, Distance: EditDistance.Distance(word, c)))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance)
            .Select(c => c.Candidate)
            .FirstOrDefault();
    }

    [GeneratedRegex(@"^Unknown command '(?<name>[^']+)'", RegexOptions.CultureInvariant, 200)]
    private static partial Regex UnknownCommandMessage();

    [GeneratedRegex(@"Unknown option '-*(?<name>[^']+)'", RegexOptions.CultureInvariant, 200)]
    private static partial Regex UnknownOption();
}

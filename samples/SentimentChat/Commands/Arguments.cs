namespace SentimentChat.Commands;

/// <summary>A bad command line; the message says what is wrong.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The command line: a verb, positional values, <c>--name value</c> options and <c>--flag</c>s.</summary>
public sealed class Arguments
{
    private static readonly HashSet<string> Flags = ["--json", "--baseline", "--help"];
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="args"/>; the first value that is not an option is the verb.</summary>
    public Arguments(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (Flags.Contains(arg))
            {
                _flags.Add(arg);
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"Option {arg} needs a value.");
                }
                _options[arg] = args[++i];
            }
            else
            {
                positional.Add(arg);
            }
        }
        Verb = positional.Count > 0 ? positional[0] : "chat";
        Values = positional.Skip(1).ToList();
    }

    /// <summary>chat, classify, evaluate or train.</summary>
    public string Verb { get; }

    /// <summary>Positional values after the verb.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Whether <paramref name="flag"/> was given.</summary>
    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The value of <paramref name="option"/>, or <paramref name="fallback"/>.</summary>
    public string? Get(string option, string? fallback = null) => _options.GetValueOrDefault(option, fallback!);

    /// <summary>An integer option.</summary>
    public int GetInt(string option, int fallback) =>
        _options.TryGetValue(option, out string? text) ? (int.TryParse(text, out int value) && value > 0 ? value : throw new UsageException($"{option} must be a positive integer, not '{text}'.")) : fallback;
}

using System.Reflection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ParameterKit.CommandLine;

/// <summary>
/// Runs a Spectre.Console.Cli application with the conventions every ParameterKit command line shares: strict
/// parsing (an unknown option is an error, with "did you mean" for a misspelling), <c>--help</c> and
/// <c>--version</c>, exit codes 0 / 1 / 2 (<see cref="ExitCodes"/>), failures on standard error as one line or,
/// with <c>--json</c>, as <c>{"error":{"kind":...,"message":...}}</c>, and never a stack trace: an unexpected
/// exception prints one line naming its type, and its details only with <c>--verbose</c>.
/// </summary>
internal static class CommandLineApp
{
    /// <summary>Configures <paramref name="app"/> with the shared conventions, runs it, and reports failures.</summary>
    /// <param name="app">The application, its commands already added (or added by <paramref name="configure"/>).</param>
    /// <param name="name">The program's name, for help, errors and <c>--version</c>.</param>
    /// <param name="args">The command line.</param>
    /// <param name="console">Where help and human output go.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="optionsByCommand">Each command's options by command name (<c>""</c> for the default command),
    /// for "did you mean" suggestions: <see cref="OptionSuggestions.OptionsOf"/> of its settings type.</param>
    /// <param name="configure">Adds the commands.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(ICommandApp app, string name, string[] args, IAnsiConsole console, TextWriter error,
        IReadOnlyDictionary<string, IReadOnlyList<string>> optionsByCommand, Action<IConfigurator> configure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(optionsByCommand);
        ArgumentNullException.ThrowIfNull(configure);
        app.Configure(config =>
        {
            config.SetApplicationName(name);
            config.SetApplicationVersion(Version);
            config.Settings.Console = console;
            // An option the command does not declare is an error, not silently ignored (nor taken as an argument).
            config.Settings.StrictParsing = true;
            // Parse and command errors come back here, so they get the same one-line treatment as the rest.
            config.PropagateExceptions();
            configure(config);
        });
        bool json = HasFlag(args, "--json");
        if (UnknownCommandAskingForHelp(args, optionsByCommand) is { } unknown)
        {
            // Spectre shows the root help for "nonsense --help" and exits 0: a typo must not look like success.
            ErrorReport.Write(error, name, json, "Usage", $"{UnknownCommand(unknown, optionsByCommand)} (see {name} --help)");
            return ExitCodes.Rejected;
        }
        if (OptionMissingItsValue(args, optionsByCommand) is { } bare)
        {
            // Spectre hands an option that ends the command line, or is followed by another option, the internal name
            // of its default command as the value ("--accelerator __default_command"), so it is caught here, before parsing.
            ErrorReport.Write(error, name, json, "Usage", $"Option '{bare}' needs a value (see {HelpOf(name, CommandOf(args, optionsByCommand))})");
            return ExitCodes.Rejected;
        }
        try
        {
            // "-1 stars, awful" would reach the command as "-1": Spectre cuts dash-led words at their first space.
            string[] protectedArgs = DashLedArguments.Protect(args, optionsByCommand.GetValueOrDefault(CommandOf(args, optionsByCommand)));
            return await app.RunAsync(protectedArgs, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CommandParseException or CommandRuntimeException)
        {
            string command = CommandOf(args, optionsByCommand);
            ErrorReport.Write(error, name, json, "Usage", $"{WithSuggestion(e.Message, args, command, optionsByCommand)} (see {HelpOf(name, command)})");
            return ExitCodes.Rejected;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ErrorReport.Write(error, name, json, "Cancelled", "cancelled");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            ReportUnexpected(error, name, json, HasFlag(args, "--verbose"), e);
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// The last line of defence: one line naming the exception's type and message (with <c>--verbose</c>, then
    /// the full details), exit code 1. Commands catch what they expect; this is for what nobody expected.
    /// </summary>
    /// <param name="error">Standard error.</param>
    /// <param name="name">The program's name.</param>
    /// <param name="json">Whether to write the JSON error document.</param>
    /// <param name="verbose">Whether to add the exception's details.</param>
    /// <param name="exception">What was thrown.</param>
    public static void ReportUnexpected(TextWriter error, string name, bool json, bool verbose, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(exception);
        string what = $"{exception.GetType().Name}: {exception.Message}";
        ErrorReport.Write(error, name, json, "Unexpected",
            verbose ? $"unexpected {what}" : $"unexpected {what} (run again with --verbose for details)");
        if (verbose)
        {
            error.WriteLine(TerminalText.EscapeKeepingLines(ParameterKit.SafeTensors.UriRedaction.Redact(exception.ToString())));
        }
    }

    /// <summary>Whether the command line holds <paramref name="flag"/> before any <c>--</c> separator.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="flag">For example <c>--json</c>.</param>
    /// <returns>True when present.</returns>
    public static bool HasFlag(string[] args, string flag) =>
        args.TakeWhile(a => a != "--").Contains(flag, StringComparer.Ordinal);

    /// <summary>The program's version: the assembly's informational version without the commit suffix.</summary>
    public static string Version { get; } =
        (typeof(CommandLineApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];

    /// <summary>
    /// Spectre's "Failed to convert 'abc' to Nullable`1." names a .NET type and no option: this says which option and
    /// what it takes ("--lora-rank takes a whole number, not 'abc'"), or at least leaves the type out.
    /// </summary>
    private static string? Unconvertible(string message, string[] args, string command, IReadOnlyDictionary<string, IReadOnlyList<string>> optionsByCommand)
    {
        const string Start = "Failed to convert '";
        int close = message.StartsWith(Start, StringComparison.Ordinal) ? message.IndexOf("' to ", Start.Length, StringComparison.Ordinal) : -1;
        if (close < 0)
        {
            return null;
        }
        string value = message[Start.Length..close];
        var kinds = optionsByCommand.TryGetValue(command, out IReadOnlyList<string>? declared) && declared is DeclaredOptions d
            ? d.ValueKinds
            : new Dictionary<string, string>();
        for (int i = 0; i < args.Length; i++)
        {
            // --seed abc, or --seed=abc
            string? option = i + 1 < args.Length && args[i + 1] == value && kinds.ContainsKey(args[i]) ? args[i]
                : args[i].Split('=', 2) is [var name, var given] && given == value && kinds.ContainsKey(name) ? name
                : null;
            if (option is not null)
            {
                return $"{option} takes {kinds[option]}, not '{value}'.";
            }
        }
        return $"'{value}' is not a valid value.";
    }

    /// <summary>
    /// A parse error of an app with one command that does not run through <see cref="RunAsync"/> (the web chat, whose
    /// host arguments need their own handling), in the words the others use: which option a value that does not
    /// convert was given to and what it takes, and the nearest option to a misspelt one.
    /// </summary>
    /// <param name="message">Spectre's message.</param>
    /// <param name="args">The command line.</param>
    /// <param name="options">The command's options: <see cref="OptionSuggestions.OptionsOf"/> of its settings type.</param>
    public static string Reword(string message, string[] args, IReadOnlyList<string> options)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(options);
        return WithSuggestion(message, args, "", new Dictionary<string, IReadOnlyList<string>> { [""] = options });
    }

    /// <summary>
    /// For an app with one command that does not run through <see cref="RunAsync"/> (the web chat): an option that needs
    /// a value but ends the command line or is followed by another option or by help, or null.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="options">The command's options: <see cref="OptionSuggestions.OptionsOf"/> of its settings type.</param>
    public static string? OptionMissingItsValue(string[] args, IReadOnlyList<string> options)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(options);
        return OptionMissingItsValue(args, new Dictionary<string, IReadOnlyList<string>> { [""] = options });
    }

    /// <summary>The help command line of <paramref name="command"/> ("parameterkit count --help"), or the program's.</summary>
    private static string HelpOf(string name, string command) => command.Length == 0 ? $"{name} --help" : $"{name} {command} --help";

    /// <summary>
    /// An option of the command that needs a value but ends the command line or is followed by another of its options
    /// or by help (<c>cost --accelerator --json</c> ran with the accelerator named "__default_command"), or null.
    /// </summary>
    private static string? OptionMissingItsValue(string[] args, IReadOnlyDictionary<string, IReadOnlyList<string>> optionsByCommand)
    {
        string[] words = [.. args.TakeWhile(a => a != "--")];
        if (!optionsByCommand.TryGetValue(CommandOf(args, optionsByCommand), out IReadOnlyList<string>? declared)
            || declared is not DeclaredOptions { TakingValues: var values })
        {
            return null;
        }
        for (int i = 0; i < words.Length; i++)
        {
            if (values.Contains(words[i])
                && (i + 1 == words.Length || declared.Contains(words[i + 1]) || words[i + 1] is "-h" or "--help" or "-?"))
            {
                return words[i];
            }
        }
        return null;
    }

    private static string CommandOf(string[] args, IReadOnlyDictionary<string, IReadOnlyList<string>> optionsByCommand) =>
        args.TakeWhile(a => a != "--").FirstOrDefault(a => !a.StartsWith('-') && optionsByCommand.ContainsKey(a)) ?? "";

    /// <summary>
    /// The first argument of a command line asking for help, when the application has named commands, that argument
    /// is none of them, and it cannot be an argument of the default command either (there is none, or it takes no
    /// positional arguments: <see cref="DeclaredOptions.TakesArguments"/>).
    /// </summary>
    private static string? UnknownCommandAskingForHelp(string[] args, IReadOnlyDictionary<string, IReadOnlyList<string>> optionsByCommand)
    {
        string[] options = [.. args.TakeWhile(a => a != "--")];
        bool help = options.Any(a => a is "-h" or "--help" or "-?");
        bool hasCommands = optionsByCommand.Keys.Any(k => k.Length > 0);
        bool defaultTakesArguments = optionsByCommand.TryGetValue("", out IReadOnlyList<string>? defaults) && defaults is not DeclaredOptions { TakesArguments: false };
        return help && hasCommands && !defaultTakesArguments && options.Length > 0 && !options[0].StartsWith('-') && !optionsByCommand.ContainsKey(options[0])
            ? options[0]
            : null;
    }

    /// <summary>"Unknown command 'clasify'. Did you mean 'classify'?", or the list of commands when none is close.</summary>
    private static string UnknownCommand(string command, IReadOnlyDictionary<string, IReadOnlyList<string>> optionsByCommand)
    {
        string[] commands = [.. optionsByCommand.Keys.Where(k => k.Length > 0).Order(StringComparer.Ordinal)];
        if (commands.Length == 0)
        {
            // A program without commands (Gpt2Summary): the word is one argument too many.
            return $"Unexpected argument '{command}'.";
        }
        return EditDistance.Closest(command, commands) is { } near
            ? $"Unknown command '{command}'. Did you mean '{near}'?"
            : $"Unknown command '{command}'. Commands: {string.Join(", ", commands)}.";
    }

    private static string WithSuggestion(string message, string[] args, string command, IReadOnlyDictionary<string, IReadOnlyList<string>> optionsByCommand)
    {
        if (Unconvertible(message, args, command, optionsByCommand) is { } reworded)
        {
            return reworded;
        }
        // Spectre words it "Unknown command 'x'." (its suggestion, when it has one, is only in the pretty-printed
        // form), and "Unknown option 'jsn'." with no suggestion at all.
        const string UnknownCommandStart = "Unknown command '";
        if (message.StartsWith(UnknownCommandStart, StringComparison.Ordinal) && message.IndexOf('\'', UnknownCommandStart.Length) is int close and > 0)
        {
            string word = message[UnknownCommandStart.Length..close];
            // A dash-led word kept as an argument reaches Spectre with a leading space (DashLedArguments): name it as typed.
            word = word.StartsWith(" -", StringComparison.Ordinal) ? word[1..] : word;
            // Spectre says the same of a word after a command that takes no arguments ("count gpt2"): the command was
            // found, the word is one too many, and the list of commands would only mislead.
            int commandAt = command.Length == 0 ? -1 : Array.IndexOf(args, command);
            return commandAt >= 0 && Array.IndexOf(args, word, commandAt + 1) > commandAt
                ? $"Unexpected argument '{word}': '{command}' takes options only."
                : UnknownCommand(word, optionsByCommand);
        }
        const string Unknown = "Unknown option '";
        int start = message.IndexOf(Unknown, StringComparison.Ordinal);
        if (start < 0 || message.Contains("Did you mean", StringComparison.Ordinal)
            || !optionsByCommand.TryGetValue(command, out IReadOnlyList<string>? options))
        {
            return message;
        }
        start += Unknown.Length;
        int end = message.IndexOf('\'', start);
        string typed = end > start ? message[start..end] : "";
        string? closest = EditDistance.Closest(typed, options);
        return closest is null ? message : $"{message.TrimEnd('.')}. Did you mean {closest}?";
    }
}

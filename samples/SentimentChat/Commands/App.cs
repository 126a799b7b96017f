using System.Reflection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SentimentChat.Commands;

/// <summary>
/// The sample's command line, parsed strictly by Spectre.Console.Cli (as the <c>parameterkit</c> tool is):
/// <c>chat</c> (default), <c>classify</c>, <c>evaluate</c> and <c>train</c>, every one with <c>--model FILE</c> and
/// <c>--verbose</c>; <c>--help</c> and <c>--version</c>. Unknown commands and options are errors with a suggestion,
/// exit code 2, even when <c>--help</c> follows them. Everything is injected through <see cref="SampleHost"/>, so tests
/// run the real commands in-process.
/// </summary>
public static class App
{
    /// <summary>The commands, for suggestions and the <c>--help</c> check.</summary>
    public static IReadOnlyList<string> Commands { get; } = ["chat", "classify", "evaluate", "train"];

    /// <summary>Runs a command line; returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, SampleHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(host);
        bool json = args.Contains("--json", StringComparer.Ordinal);
        if (UnknownCommandBeforeHelp(args) is { } unknown)
        {
            // Spectre shows the root help for "nonsense --help" and exits 0; a typo should not look like success.
            return UsageError(host, json, CommandSuggestions.UnknownCommand(unknown));
        }
        var app = new CommandApp<ChatCommand>();
        app.Configure(config =>
        {
            config.SetApplicationName("SentimentChat");
            config.SetApplicationVersion(Version);
            config.Settings.Console = host.Console;
            config.Settings.Registrar.RegisterInstance(host);
            config.UseStrictParsing();
            // Parse errors come back as exceptions, so they get the same one-line treatment (and exit 2) as the rest.
            config.PropagateExceptions();
            config.AddCommand<ChatCommand>("chat")
                .WithDescription("Talk to the bot (the default command); reads stdin when redirected.")
                .WithExample("chat", "--llm", "http://localhost:11434/v1", "--llm-model", "llama3")
                .WithExample("chat", "--local-model", "checkpoints/gpt2");
            config.AddCommand<ClassifyCommand>("classify")
                .WithDescription("Label one message: frustrated, positive or other, with the probabilities.")
                .WithExample("classify", "\"I was charged twice\"", "--json");
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithDescription("Accuracy, per-class F1, macro-F1 and confusion matrix on labelled messages, or per turn of conversations plus escalation accuracy.")
                .WithExample("evaluate", "--data", "dev.tsv", "--baseline")
                .WithExample("evaluate", "--conversations", "dev.jsonl", "--json");
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train the classifier; save it with its training curve (SVG); compare with the baseline on dev.")
                .WithExample("train", "--epochs", "3", "--seed", "1", "--out", "models/");
        });
        try
        {
            return await app.RunAsync(args, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandAppException e)
        {
            return UsageError(host, json, CommandSuggestions.Explain(e.Message, args));
        }
        catch (Exception e)
        {
            // Whatever escaped a command's own handler (there should be nothing): one line, the details with --verbose.
            bool verbose = args.Contains("--verbose", StringComparer.Ordinal);
            ErrorOutput.Write(host.Error, e.GetType().Name, $"unexpected {e.GetType().Name}: {e.Message}", json, e, verbose);
            return ExitCodes.Failure;
        }
    }

    /// <summary>The version <c>--version</c> prints: the assembly's informational version.</summary>
    public static string Version { get; } =
        typeof(App).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static int UsageError(SampleHost host, bool json, string message)
    {
        ErrorOutput.Write(host.Error, "Usage", json ? message : $"{message} (see --help)", json);
        return ExitCodes.Rejected;
    }

    /// <summary>The first argument when it looks like a command but is none, in a command line asking for help.</summary>
    private static string? UnknownCommandBeforeHelp(string[] args)
    {
        bool help = args.Any(a => a is "--help" or "-h" or "-?");
        return help && args.Length > 0 && !args[0].StartsWith('-') && !Commands.Contains(args[0], StringComparer.Ordinal) ? args[0] : null;
    }
}

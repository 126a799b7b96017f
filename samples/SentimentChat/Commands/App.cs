using ParameterKit.CommandLine;
using Spectre.Console.Cli;

namespace SentimentChat.Commands;

/// <summary>
/// The sample's command line: <c>chat</c> (default), <c>classify</c>, <c>evaluate</c> and <c>train</c>, run by
/// <see cref="CommandLineApp"/> with the conventions of the <c>parameterkit</c> tool (strict parsing with "did you
/// mean", <c>--help</c>, <c>--version</c>, <c>--verbose</c>, JSON errors under <c>--json</c>, exit codes 0 / 1 / 2).
/// Everything is injected through <see cref="SampleHost"/>, so tests run the real commands in-process.
/// </summary>
public static class App
{
    /// <summary>The program's name, in help and errors.</summary>
    public const string Name = "SentimentChat";

    /// <summary>Each command's options, for "did you mean" suggestions (<c>""</c> is the default command, chat).</summary>
    internal static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> OptionsByCommand = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [""] = OptionSuggestions.OptionsOf(typeof(ChatCommand.Settings)),
        ["chat"] = OptionSuggestions.OptionsOf(typeof(ChatCommand.Settings)),
        ["classify"] = OptionSuggestions.OptionsOf(typeof(ClassifyCommand.Settings)),
        ["evaluate"] = OptionSuggestions.OptionsOf(typeof(EvaluateCommand.Settings)),
        ["train"] = OptionSuggestions.OptionsOf(typeof(TrainCommand.Settings)),
    };

    /// <summary>Runs a command line; returns the process exit code (0 ok, 1 failure, 2 bad usage or rejected input).</summary>
    public static Task<int> RunAsync(string[] args, SampleHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(host);
        return CommandLineApp.RunAsync(new CommandApp<ChatCommand>(), Name, args, host.Console, host.Error, OptionsByCommand, config =>
        {
            config.Settings.Registrar.RegisterInstance(host);
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
        }, cancellationToken);
    }

    /// <summary>The version <c>--version</c> prints: the assembly's informational version.</summary>
    public static string Version => CommandLineApp.Version;
}

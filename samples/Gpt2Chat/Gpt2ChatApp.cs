using ParameterKit.CommandLine;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gpt2Chat;

/// <summary>The sample's two commands, callable in-process so a test can run them without a console.</summary>
public static class Gpt2ChatApp
{
    /// <summary>Runs the sample with the command-line conventions the <c>parameterkit</c> tool uses.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="input">Where prompts are read from in interactive mode.</param>
    /// <param name="output">Completions, logits and help.</param>
    /// <param name="error">Errors: one line, or a JSON document with <c>--json</c>.</param>
    /// <returns>0 success, 1 failure, 2 bad usage or rejected input.</returns>
    public static Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var io = new ChatStreams(input, new LineTrackingWriter(output), error);
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        IAnsiConsole console = TerminalConsole.Create(io.Output, redirected: !terminal);
        var options = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["chat"] = OptionSuggestions.OptionsOf(typeof(ChatCommand.Settings)),
            ["logits"] = OptionSuggestions.OptionsOf(typeof(LogitsCommand.Settings)),
        };
        return RunWithUsageExitAsync(args, console, error, options, io);
    }

    /// <summary>
    /// Without arguments Spectre.Console.Cli prints help and exits 1; a command is required, so that is bad usage:
    /// the help still prints, and the exit code is the conventions' 2.
    /// </summary>
    private static async Task<int> RunWithUsageExitAsync(string[] args, IAnsiConsole console, TextWriter error,
        Dictionary<string, IReadOnlyList<string>> options, ChatStreams io)
    {
        if (args.Length == 0)
        {
            await RunAppAsync(["--help"], console, error, options, io).ConfigureAwait(false);
            return ExitCodes.Rejected;
        }
        return await RunAppAsync(args, console, error, options, io).ConfigureAwait(false);
    }

    private static Task<int> RunAppAsync(string[] args, IAnsiConsole console, TextWriter error, Dictionary<string, IReadOnlyList<string>> options, ChatStreams io)
    {
        return CommandLineApp.RunAsync(new CommandApp(), "Gpt2Chat", args, console, error, options, config =>
        {
            config.Settings.Registrar.RegisterInstance(io);
            config.AddCommand<ChatCommand>("chat")
                .WithDescription("Chat with a checkpoint folder: answer --prompt, or read messages from standard input and stream each reply.")
                .WithExample("chat", "--model", "checkpoints/gpt2", "--prompt", "\"What is a parameter?\"");
            config.AddCommand<LogitsCommand>("logits")
                .WithDescription("Print the last position's logits after the given tokens (for scripts comparing implementations).")
                .WithExample("logits", "--model", "checkpoints/gpt2", "--tokens", "15496,11", "--json");
        });
    }
}

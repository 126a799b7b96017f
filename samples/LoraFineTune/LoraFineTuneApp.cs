using System.Diagnostics.CodeAnalysis;
using ParameterKit.CommandLine;
using Spectre.Console.Cli;

namespace LoraFineTune;

/// <summary>The sample's one command, callable in-process so a test can run it.</summary>
public static class LoraFineTuneApp
{
    /// <summary>
    /// The largest --text read: 64 MB is about 16 million tokens, far more than a sample's steps use, and every token of
    /// it is encoded and cut into windows before training starts.
    /// </summary>
    public const long MaxTextBytes = 64L << 20;

    /// <summary>The program's name, in help and errors.</summary>
    public const string Name = "LoraFineTune";

    /// <summary>Runs the sample with the command-line conventions the <c>parameterkit</c> tool uses.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Progress, the result and help.</param>
    /// <param name="error">Errors.</param>
    /// <param name="outputIsTerminal">Whether <paramref name="output"/> is a terminal (help then fits its width).</param>
    /// <returns>0 success, 1 failure, 2 bad usage or rejected input.</returns>
    /// <remarks>Spectre.Console.Cli finds the settings by reflection; the conventions props root them for trimming.</remarks>
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Spectre.Console.Cli reads the rooted settings type by reflection.")]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Spectre.Console.Cli reads the rooted settings type by reflection.")]
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool outputIsTerminal = false)
    {
        var options = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            [""] = OptionSuggestions.OptionsOf(typeof(FineTuneCommand.Settings)),
        };
        var app = new CommandApp<FineTuneCommand>().WithDescription(
            "Fine-tune a GPT-2 or Llama-family checkpoint folder with LoRA on a text file and save the adapter as PEFT's files.");
        return CommandLineApp.RunAsync(app, Name, args, TerminalConsole.Create(output, redirected: !outputIsTerminal),
            error, options, config =>
            {
                config.Settings.Registrar.RegisterInstance(new FineTuneStreams(output, error));
                config.AddExample("--model", "gpt2", "--text", "notes.txt", "--rank", "8", "--alpha", "16", "--targets", "c_attn",
                    "--steps", "200", "--out", "my-adapter");
            });
    }
}

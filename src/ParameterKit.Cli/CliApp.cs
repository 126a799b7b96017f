using ParameterKit.Cli.Commands;
using ParameterKit.Cli.Output;
using ParameterKit.CommandLine;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ParameterKit.Cli;

/// <summary>
/// The <c>parameterkit</c> command line: its commands, run with the conventions every ParameterKit command line
/// shares (<see cref="CommandLineApp"/>). Everything is injected, so tests run the real tool in-process.
/// </summary>
internal static class CliApp
{
    /// <summary>The program's name.</summary>
    public const string Name = "parameterkit";

    /// <summary>Each command's options, for "did you mean" suggestions.</summary>
    private static readonly Dictionary<string, IReadOnlyList<string>> OptionsByCommand = new(StringComparer.Ordinal)
    {
        ["inspect"] = OptionSuggestions.OptionsOf(typeof(InspectCommand.Settings)),
        ["count"] = OptionSuggestions.OptionsOf(typeof(CountCommand.Settings)),
        ["cost"] = OptionSuggestions.OptionsOf(typeof(CostCommand.Settings)),
        ["diff"] = OptionSuggestions.OptionsOf(typeof(DiffCommand.Settings)),
    };

    /// <summary>Runs the tool.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="console">Where human and JSON output goes.</param>
    /// <param name="error">Where errors go (standard error in the real tool).</param>
    /// <param name="cancellationToken">Cancels network reads and diffs.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter error, CancellationToken cancellationToken = default)
    {
        var output = new CliOutput(console, error);
        return CommandLineApp.RunAsync(new CommandApp(), Name, args, console, error, OptionsByCommand, config =>
        {
            config.Settings.Registrar.RegisterInstance(output);
            config.AddCommand<InspectCommand>("inspect")
                .WithDescription("Explain a checkpoint's parameters from its header: totals, kinds, dtypes, layers, buffers, metadata.")
                .WithExample("inspect", "model.safetensors")
                .WithExample("inspect", "https://huggingface.co/gpt2/resolve/main/model.safetensors");
            config.AddCommand<CountCommand>("count")
                .WithDescription("Count a model exactly from a Hugging Face config.json or a known name, without weights.")
                .WithExample("count", "--config", "gpt3-175b")
                .WithExample("count", "--config", "config.json");
            config.AddCommand<CostCommand>("cost")
                .WithDescription("Memory, training compute (6·N·D), inference FLOPs, time, energy and carbon, every assumption printed and overridable.")
                .WithExample("cost", "--config", "gpt3-175b", "--tokens", "300B")
                .WithExample("cost", "--params", "7B", "--peak-flops", "989T", "--power", "700");
            config.AddCommand<DiffCommand>("diff")
                .WithDescription("Which tensors differ between two local checkpoints (added, removed, reshaped, changed, metadata) and by how much (relative L2), streaming.")
                .WithExample("diff", "before.safetensors", "after.safetensors");
        }, cancellationToken);
    }
}

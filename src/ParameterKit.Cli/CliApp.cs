using ParameterKit.Cli.Commands;
using ParameterKit.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ParameterKit.Cli;

/// <summary>
/// The <c>parameterkit</c> command line: its commands, and the one place where parse errors become a one-line
/// message and exit code 1. Everything is injected, so tests run the real tool in-process.
/// </summary>
internal static class CliApp
{
    /// <summary>Runs the tool.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="console">Where human and JSON output goes.</param>
    /// <param name="error">Where one-line errors go (standard error in the real tool).</param>
    /// <param name="cancellationToken">Cancels network reads and diffs.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter error, CancellationToken cancellationToken = default)
    {
        var output = new CliOutput(console, error);
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("parameterkit");
            config.Settings.Console = console;
            config.Settings.Registrar.RegisterInstance(output);
            // Parse errors come back to us as exceptions so they get the same one-line treatment as the rest.
            config.PropagateExceptions();
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
                .WithDescription("Which tensors differ between two local checkpoints (added, removed, reshaped, changed) and by how much (relative L2), streaming.")
                .WithExample("diff", "before.safetensors", "after.safetensors");
        });
        try
        {
            return await app.RunAsync(args, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandAppException e)
        {
            if (args.Contains("--json", StringComparer.Ordinal))
            {
                output.Json(JsonText.Error("Usage", e.Message));
            }
            else
            {
                error.WriteLine($"parameterkit: error: {e.Message} (see parameterkit --help)");
            }
            return ExitCodes.Error;
        }
    }
}

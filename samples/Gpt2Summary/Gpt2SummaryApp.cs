using System.Diagnostics.CodeAnalysis;
using ParameterKit.CommandLine;
using Spectre.Console.Cli;

namespace Gpt2Summary;

/// <summary>The sample's one command, callable in-process so a test can run it.</summary>
public static class Gpt2SummaryApp
{
    /// <summary>The program's name, in help and errors.</summary>
    public const string Name = "Gpt2Summary";

    /// <summary>Runs the sample with the command-line conventions the <c>parameterkit</c> tool uses.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">The summary and help.</param>
    /// <param name="error">Errors.</param>
    /// <param name="outputIsTerminal">Whether <paramref name="output"/> is a terminal (help then fits its width).</param>
    /// <returns>0 success, 1 failure, 2 bad usage or rejected input.</returns>
    /// <remarks>
    /// Spectre.Console.Cli marks <see cref="CommandApp{TDefaultCommand}"/> as needing dynamic code: it finds a
    /// command's settings type, options and constructor by reflection. The project roots the types that reflection
    /// reads (see Gpt2Summary.csproj), and <c>.ci/aot-check.sh</c> runs the published binary's help, version, usage
    /// errors and summaries against the JIT build's, so the suppression below is checked, not hoped.
    /// </remarks>
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Rooted in Gpt2Summary.csproj; checked by .ci/aot-check.sh.")]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Rooted in Gpt2Summary.csproj; checked by .ci/aot-check.sh.")]
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool outputIsTerminal = false)
    {
        var options = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            [""] = OptionSuggestions.OptionsOf(typeof(SummaryCommand.Settings)),
        };
        var app = new CommandApp<SummaryCommand>().WithDescription(
            "Declare a known architecture without allocating a value, print its torchinfo-style summary, then materialize and run a small MLP.");
        return CommandLineApp.RunAsync(app, Name, args, TerminalConsole.Create(output, redirected: !outputIsTerminal),
            error, options, config =>
            {
                config.Settings.Registrar.RegisterInstance(new SummaryStreams(output, error));
                config.AddExample("gpt2", "2");
                config.AddExample("llama-2-7b", "1");
            });
    }
}

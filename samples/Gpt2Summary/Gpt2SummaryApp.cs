using ParameterKit.CommandLine;
using Spectre.Console.Cli;

namespace Gpt2Summary;

/// <summary>The sample's one command, callable in-process so a test can run it.</summary>
public static class Gpt2SummaryApp
{
    /// <summary>Runs the sample with the command-line conventions the <c>parameterkit</c> tool uses.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">The summary and help.</param>
    /// <param name="error">Errors.</param>
    /// <returns>0 success, 1 failure, 2 bad usage or rejected input.</returns>
    /// <remarks>
    /// Spectre.Console.Cli marks its <see cref="CommandApp{TDefaultCommand}"/> as needing dynamic code: it builds
    /// settings and commands by reflection. This sample is also the repository's NativeAOT check, so the
    /// suppression is confined to this method and <c>.ci/aot-check.sh</c> runs the published binary's help, its
    /// usage errors and its summaries against the JIT build's: what reflection Spectre needs here (public
    /// properties and constructors of the types passed to it as generic arguments) survives trimming.
    /// </remarks>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050",
        Justification = "Checked by .ci/aot-check.sh: the published binary parses, helps and fails exactly as the JIT build.")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026",
        Justification = "Checked by .ci/aot-check.sh: the published binary parses, helps and fails exactly as the JIT build.")]
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var options = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            [""] = OptionSuggestions.OptionsOf(typeof(SummaryCommand.Settings)),
        };
        return CommandLineApp.RunAsync(new CommandApp<SummaryCommand>(), "Gpt2Summary", args, TerminalConsole.Create(output, redirected: !terminal),
            error, options, config =>
            {
                config.Settings.Registrar.RegisterInstance(new SummaryStreams(output, error));
                config.AddExample("gpt2", "2");
                config.AddExample("llama-2-7b", "1");
            });
    }
}

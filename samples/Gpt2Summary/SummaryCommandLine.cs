using System.Globalization;
using ParameterKit.CommandLine;

namespace Gpt2Summary;

/// <summary>What the command line asked for.</summary>
/// <param name="Architecture">A known architecture name.</param>
/// <param name="Depth">How many levels of modules the summary lists.</param>
/// <param name="Help">Print help and exit.</param>
/// <param name="Version">Print the version and exit.</param>
/// <param name="Verbose">Details of an unexpected failure.</param>
internal sealed record SummaryRequest(string Architecture, int Depth, bool Help, bool Version, bool Verbose);

/// <summary>A command line the sample refuses: exit code 2 with this one-line message.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The sample's command line, parsed strictly with the conventions of the <c>parameterkit</c> tool: the same help
/// layout, "Unknown option 'x'. Did you mean --y?", <c>--version</c>, <c>--verbose</c>, exit codes 0 / 1 / 2.
/// </summary>
/// <remarks>
/// The tool and Gpt2Chat parse with Spectre.Console.Cli. This sample is also the repository's NativeAOT check
/// (<c>.ci/aot-check.sh</c>), and Spectre.Console.Cli 0.57.2 builds its command model by reflection: compiled ahead
/// of time it throws "Could not get settings type for command" before parsing anything. Two positional arguments
/// and three flags do not need a library; the conventions they follow are the shared files linked from the tool.
/// </remarks>
internal static class SummaryCommandLine
{
    /// <summary>The options, for suggestions.</summary>
    public static readonly string[] Options = ["--help", "--version", "--verbose"];

    /// <summary>Help, in the layout Spectre.Console.Cli gives the tool's commands.</summary>
    public const string HelpText = """
        DESCRIPTION:
        Declare a known architecture without allocating a value, print its torchinfo-style summary, then materialize and run a small MLP.

        USAGE:
            Gpt2Summary [architecture] [depth] [OPTIONS]

        EXAMPLES:
            Gpt2Summary gpt2 2
            Gpt2Summary llama-2-7b 1

        ARGUMENTS:
            [architecture]    gpt2 (default), gpt2-medium, gpt2-large, gpt2-xl, gpt3-175b, llama-2-7b, llama-2-13b, llama-2-70b
            [depth]           How many levels of modules the summary lists (default 2)

        OPTIONS:
            -h, --help       Prints help information
            -v, --version    Prints version information
                --verbose    On an unexpected failure, also print its details (for a bug report)
        """;

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The request.</returns>
    /// <exception cref="UsageException">An unknown option, a third argument, or a depth that is not a whole number.</exception>
    public static SummaryRequest Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var positional = new List<string>();
        bool help = false, version = false, verbose = false, optionsEnded = false;
        foreach (string arg in args)
        {
            if (optionsEnded || !arg.StartsWith('-') || arg == "-")
            {
                positional.Add(arg);
                continue;
            }
            switch (arg)
            {
                case "--":
                    optionsEnded = true;
                    break;
                case "-h" or "--help" or "-?":
                    help = true;
                    break;
                case "-v" or "--version":
                    version = true;
                    break;
                case "--verbose":
                    verbose = true;
                    break;
                default:
                    string? closest = EditDistance.Closest(arg, Options);
                    throw new UsageException($"Unknown option '{arg.TrimStart('-')}'.{(closest is null ? "" : $" Did you mean {closest}?")}");
            }
        }
        if (positional.Count > 2)
        {
            throw new UsageException($"Could not match '{positional[2]}' with an argument: the arguments are [architecture] [depth].");
        }
        int depth = 2;
        if (positional.Count == 2 && (!int.TryParse(positional[1], NumberStyles.None, CultureInfo.InvariantCulture, out depth)))
        {
            throw new UsageException($"[depth] must be a whole number of levels, not '{positional[1]}'.");
        }
        return new SummaryRequest(positional.Count > 0 ? positional[0] : "gpt2", depth, help, version, verbose);
    }
}

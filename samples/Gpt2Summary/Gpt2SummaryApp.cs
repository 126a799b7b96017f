using System.Globalization;
using System.Reflection;
using ParameterKit.CommandLine;
using ParameterKit.Counting;
using ParameterKit.Counting.Architectures;
using ParameterKit.Modules;
using ParameterKit.Parameters;

namespace Gpt2Summary;

/// <summary>The sample, callable in-process so a test can run it.</summary>
public static class Gpt2SummaryApp
{
    private const string Name = "Gpt2Summary";

    /// <summary>Runs the sample.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">The summary and help.</param>
    /// <param name="error">Errors: one line each.</param>
    /// <returns>0 success, 1 failure, 2 bad usage or rejected input.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            SummaryRequest request = SummaryCommandLine.Parse(args);
            if (request.Help)
            {
                output.WriteLine(SummaryCommandLine.HelpText);
                return ExitCodes.Ok;
            }
            if (request.Version)
            {
                output.WriteLine((typeof(Gpt2SummaryApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0]);
                return ExitCodes.Ok;
            }
            return Summarize(request, output, error);
        }
        catch (UsageException e)
        {
            ErrorReport.Write(error, Name, json: false, "Usage", $"{e.Message} (see {Name} --help)");
            return ExitCodes.Rejected;
        }
#pragma warning disable CA1031 // The last line of defence: one line and exit 1 instead of a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            bool verbose = args.TakeWhile(a => a != "--").Contains("--verbose", StringComparer.Ordinal);
            ErrorReport.Write(error, Name, json: false, "Unexpected",
                $"unexpected {e.GetType().Name}: {e.Message}{(verbose ? "" : " (run again with --verbose for details)")}");
            if (verbose)
            {
                error.WriteLine(TerminalText.EscapeKeepingLines(e.ToString()));
            }
            return ExitCodes.Failure;
        }
    }

    private static int Summarize(SummaryRequest request, TextWriter output, TextWriter error)
    {
        if (!KnownArchitectures.TryDeclare(request.Architecture, out var model))
        {
            ErrorReport.Write(error, Name, json: false, "InvalidInput",
                $"unknown architecture '{request.Architecture}'. Known: {string.Join(", ", KnownArchitectures.Names)}");
            return ExitCodes.Rejected;
        }

        output.WriteLine($"{request.Architecture}, declared but not materialized (no values allocated):");
        output.WriteLine(model.Summary(request.Depth));

        // Materializing a small model: one contiguous buffer, every parameter a named view into it.
        var store = new ParameterStore();
        var mlp = new MultilayerPerceptron(store.Scope("classifier"), [64, 128, 3], Activation.Gelu);
        store.Materialize(seed: 42);
        var input = new float[2 * 64];
        input.AsSpan().Fill(0.5f);
        var logits = new float[2 * 3];
        mlp.Forward(input, logits, 64);

        var counts = store.Count();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"classifier: {counts.Total:N0} parameters ({counts.Weight:N0} weight, {counts.Bias:N0} bias) in a buffer of {store.Values.Length:N0} floats"));
        // Rounded: the JIT and a NativeAOT build may use different vector widths for exp, which moves the last bits.
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"classifier logits[0]: {logits[0]:F4} {logits[1]:F4} {logits[2]:F4}"));
        output.Flush();
        return ExitCodes.Ok;
    }
}

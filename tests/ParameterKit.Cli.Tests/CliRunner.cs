using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Spectre.Console.Testing;

namespace ParameterKit.Cli.Tests;

/// <summary>What one run of the tool produced.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public JsonElement Json() => JsonDocument.Parse(Output).RootElement;

    /// <summary>The <c>{"error": ...}</c> document a failing <c>--json</c> run writes to standard error.</summary>
    public JsonElement ErrorJson() => JsonDocument.Parse(Error).RootElement;
}

/// <summary>
/// Runs <c>parameterkit</c> in-process against a <see cref="TestConsole"/> (fast, and the same code path as the
/// real tool: only the console is swapped) or as a real process with <c>dotnet ParameterKit.Cli.dll</c>.
/// </summary>
internal static partial class CliRunner
{
    public static CliResult Run(params string[] args)
    {
        // Wide enough that tables never wrap, so assertions can look for whole rows.
        var console = new TestConsole().Width(250);
        var error = new StringWriter();
        int code = CliApp.RunAsync(args, console, error).GetAwaiter().GetResult();
        return NoStackTrace(args, new CliResult(code, console.Output, error.ToString()));
    }

    public static string DllPath => typeof(CliRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ParameterKitCliDll").Value!;

    public static CliResult RunProcess(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(DllPath);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"parameterkit {string.Join(' ', args)} did not finish in 60 s");
        }
        return NoStackTrace(args, new CliResult(process.ExitCode, output.Result, error.Result));
    }

    /// <summary>
    /// Every run of every test checks the promise of the command-line conventions: whatever the input, no stack trace
    /// (a line starting "   at ") unless <c>--verbose</c> asked for one.
    /// </summary>
    private static CliResult NoStackTrace(string[] args, CliResult result)
    {
        if (!args.TakeWhile(a => a != "--").Contains("--verbose"))
        {
            Assert.False(StackFrame().IsMatch(result.Error + result.Output),
                $"parameterkit {string.Join(' ', args)} printed a stack trace:\n{result.Error}");
        }
        return result;
    }

    [GeneratedRegex(@"^\s+at \S+\.\S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}

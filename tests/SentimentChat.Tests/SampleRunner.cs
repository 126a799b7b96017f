using System.Text.RegularExpressions;
using ParameterKit.Training;
using SentimentChat.Commands;
using SentimentChat.Model;
using Spectre.Console.Testing;

namespace SentimentChat.Tests;

/// <summary>What a command printed: its exit code, standard output and standard error.</summary>
public sealed record RunResult(int Exit, string Output, string Error);

/// <summary>Runs the sample's real command line in-process, with a test console and a captured standard error.</summary>
public static partial class SampleRunner
{
    /// <summary>Training must not run in tests that do not expect it: this stand-in fails loudly if called.</summary>
    public static TrainingOutcome NoTraining(int epochs, ulong seed, IProgress<TrainingProgress> progress, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("training started although the command should have stopped before it");

    public static async Task<RunResult> Run(string input, params string[] args) => await Run(input, NoTraining, args);

    public static Task<RunResult> Run(string input, Func<int, ulong, IProgress<TrainingProgress>, CancellationToken, TrainingOutcome> train, params string[] args) =>
        Run(input, train, CancellationToken.None, args);

    /// <summary>Runs the command line with <paramref name="cancellationToken"/> as its Ctrl+C.</summary>
    public static async Task<RunResult> Run(string input, Func<int, ulong, IProgress<TrainingProgress>, CancellationToken, TrainingOutcome> train,
        CancellationToken cancellationToken, params string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 400;
        using var error = new StringWriter();
        var host = new SampleHost(console, error, new StringReader(input), InputIsInteractive: false) { Train = train };
        int exit = await App.RunAsync(args, host, cancellationToken);
        // Every run of every test checks the promise of the command-line conventions: whatever the input, no stack
        // trace (a line starting "   at ") unless --verbose asked for one.
        if (!args.TakeWhile(a => a != "--").Contains("--verbose"))
        {
            Assert.False(StackFrame().IsMatch(error + console.Output), $"SentimentChat {string.Join(' ', args)} printed a stack trace:\n{error}");
        }
        return new RunResult(exit, console.Output, error.ToString());
    }

    [GeneratedRegex(@"^\s+at \S+\.\S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}

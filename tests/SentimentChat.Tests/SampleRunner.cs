using ParameterKit.Training;
using SentimentChat.Commands;
using SentimentChat.Model;
using Spectre.Console.Testing;

namespace SentimentChat.Tests;

/// <summary>What a command printed: its exit code, standard output and standard error.</summary>
public sealed record RunResult(int Exit, string Output, string Error);

/// <summary>Runs the sample's real command line in-process, with a test console and a captured standard error.</summary>
public static class SampleRunner
{
    /// <summary>Training must not run in tests that do not expect it: this stand-in fails loudly if called.</summary>
    public static TrainingOutcome NoTraining(int epochs, ulong seed, IProgress<TrainingProgress> progress) =>
        throw new InvalidOperationException("training started although the command should have stopped before it");

    public static async Task<RunResult> Run(string input, params string[] args) => await Run(input, NoTraining, args);

    public static async Task<RunResult> Run(string input, Func<int, ulong, IProgress<TrainingProgress>, TrainingOutcome> train, params string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 400;
        using var error = new StringWriter();
        var host = new SampleHost(console, error, new StringReader(input), InputIsInteractive: false) { Train = train };
        int exit = await App.RunAsync(args, host);
        return new RunResult(exit, console.Output, error.ToString());
    }
}

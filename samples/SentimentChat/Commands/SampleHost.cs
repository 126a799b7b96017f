using ParameterKit.Training;
using SentimentChat.Model;
using Spectre.Console;

namespace SentimentChat.Commands;

/// <summary>
/// Everything the commands touch outside their arguments: the console, standard error, the input stream and the
/// training run. Injected, so tests run the real commands in-process with their own console and a short training.
/// </summary>
/// <param name="Console">Human output and <c>--json</c> documents.</param>
/// <param name="Error">Standard error: one-line errors (JSON with <c>--json</c>).</param>
/// <param name="Input">Where the chat reads customer messages.</param>
/// <param name="InputIsInteractive">Whether a person is typing (the chat then shows a prompt).</param>
public sealed record SampleHost(IAnsiConsole Console, TextWriter Error, TextReader Input, bool InputIsInteractive)
{
    /// <summary>
    /// Trains a model: epochs, seed, a progress sink and the command's cancellation (Ctrl+C) in, the outcome out; throws
    /// <see cref="OperationCanceledException"/> when cancelled. The real recipe unless replaced.
    /// </summary>
    public Func<int, ulong, IProgress<TrainingProgress>, CancellationToken, TrainingOutcome> Train { get; init; } =
        (epochs, seed, progress, cancellationToken) => TrainingRecipe.Run(new RecipeOptions(Epochs: epochs, Seed: seed), progress, cancellationToken);
}

using ParameterKit.CommandLine;
using SentimentChat.Model;
using SentimentChat.Text;
using Spectre.Console;

namespace SentimentChat.Chat;

/// <summary>
/// The conversation: reads customer messages line by line (from the keyboard, or redirected stdin for scripts),
/// classifies each, shows the detected sentiment discreetly, and prints the reply the generator writes. The
/// mood (and its <see cref="EscalationPolicy"/>) sees every turn with its text before the reply is written.
/// </summary>
public sealed class ChatLoop(SentimentClassifier model, IReplyGenerator replies, ConversationMood mood, IAnsiConsole console)
{
    /// <summary>Messages longer than this many characters are cut before tokenizing: what the classifier reads.</summary>
    public const int MaxCharacters = SentimentClassifier.MaxCharacters;

    /// <summary>Runs until end of input or "quit".</summary>
    /// <param name="input">Where messages come from.</param>
    /// <param name="interactive">Whether a person is typing (then a prompt is shown).</param>
    /// <param name="cancellationToken">Stops the loop.</param>
    public async Task RunAsync(TextReader input, bool interactive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        console.MarkupLine("[grey]Customer service chat. Type 'quit' to leave.[/]");
        var lines = new BoundedLineReader(input, MaxCharacters);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (interactive)
            {
                console.Markup("[bold]you>[/] ");
            }
            string? line = await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null || line.Trim() is "quit" or "exit")
            {
                break;
            }
            string message = line.Trim();
            if (message.Length == 0)
            {
                if (interactive)
                {
                    console.MarkupLine("[grey]Say something, or 'quit' to leave.[/]");
                }
                continue;
            }
            var prediction = model.Classify(message);
            mood.Add(message, prediction);
            string colour = prediction.Label switch { Labels.Frustrated => "red", Labels.Positive => "green", _ => "grey" };
            string note = prediction.Truncated ? $" [grey](long message: only its first {model.Shape.MaxTokens} tokens were read)[/]" : string.Empty;
            if (!interactive)
            {
                // Piped text is the customer's own: a control sequence in it must not retitle, clear or hide the terminal.
                console.MarkupLine($"[bold]you>[/] {Markup.Escape(TerminalText.Escape(message))}");
            }
            string threshold = Markup.Escape(PredictionText.ThresholdNote(prediction, model.FrustrationThreshold));
            console.MarkupLine($"[{colour}][[{prediction.LabelName} {prediction.Confidence:P0}{threshold}]][/] [grey]mood: {mood.Description}[/]{note}");
            string reply = await replies.ReplyAsync(message, prediction, mood, cancellationToken).ConfigureAwait(false);
            // A language model's reply comes from its weights: a token can decode to a terminal escape sequence.
            console.MarkupLine($"[bold blue]bot>[/] {Markup.Escape(TerminalText.EscapeKeepingLines(reply))}");
        }
    }
}

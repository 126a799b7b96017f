using ParameterKit.CommandLine;
using System.ComponentModel;
using System.Globalization;
using SentimentChat.Chat;
using SentimentChat.Model;
using SentimentChat.Text;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SentimentChat.Commands;

/// <summary><c>classify &lt;text&gt; [--json]</c>: labels one message.</summary>
internal sealed class ClassifyCommand(SampleHost host) : SampleCommand<ClassifyCommand.Settings>(host)
{
    /// <summary>The options of <c>classify</c>.</summary>
    internal sealed class Settings : SampleSettings
    {
        /// <summary>The message (several words are joined with spaces).</summary>
        [CommandArgument(0, "<text>")]
        [Description("The message to classify (quote it; several words are joined with spaces).")]
        public string[] Words { get; init; } = [];

        /// <summary>Print JSON.</summary>
        [CommandOption("--json")]
        [Description("Print {\"label\", \"probabilities\", \"truncated\"}; errors as {\"error\": {\"kind\", \"message\"}} on stderr.")]
        public bool Json { get; init; }

        /// <inheritdoc />
        public override bool JsonErrors => Json;
    }

    /// <inheritdoc />
    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        string text = string.Join(' ', settings.Words).Trim();
        if (text.Length == 0)
        {
            throw CommandException.InvalidInput("classify needs a non-empty message, for example: classify \"I was charged twice\"");
        }
        var model = ModelFile.Load(settings.ModelPath);
        var prediction = model.Classify(text);
        if (settings.Json)
        {
            JsonOutput.Write(Host.Console, json =>
            {
                json.WriteStartObject();
                json.WriteString("label", prediction.LabelName);
                json.WriteStartObject("probabilities");
                for (int c = 0; c < Labels.Names.Count; c++)
                {
                    json.WriteNumber(Labels.Names[c], prediction.Probabilities[c]);
                }
                json.WriteEndObject();
                json.WriteNumber("frustration_threshold", model.FrustrationThreshold);
                json.WriteBoolean("truncated", prediction.Truncated);
                json.WriteEndObject();
            });
            return Task.FromResult(ExitCodes.Ok);
        }
        var p = prediction.Probabilities;
        Host.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{PredictionText.Label(prediction, model.FrustrationThreshold)} (frustrated {p[Labels.Frustrated]:F3}, positive {p[Labels.Positive]:F3}, other {p[Labels.Other]:F3})"));
        if (prediction.Truncated)
        {
            Host.Console.WriteLine($"Note: the message has {prediction.Tokens} tokens; only the first {model.Shape.MaxTokens} were read.");
        }
        return Task.FromResult(ExitCodes.Ok);
    }
}

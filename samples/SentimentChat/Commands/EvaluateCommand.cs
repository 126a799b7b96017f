using ParameterKit.CommandLine;
using System.ComponentModel;
using System.Text.Json;
using SentimentChat.Chat;
using SentimentChat.Evaluation;
using SentimentChat.Model;
using SentimentChat.Text;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SentimentChat.Commands;

/// <summary>
/// <c>evaluate --data F [--json] [--baseline]</c>: accuracy, per-class F1, macro-F1 and the confusion matrix on a
/// <c>text&lt;TAB&gt;label</c> file; <c>evaluate --conversations F.jsonl [--json]</c>: the same per turn of labelled
/// conversations, plus how well <see cref="EscalationPolicy"/> offers a human on time.
/// </summary>
internal sealed class EvaluateCommand(SampleHost host) : SampleCommand<EvaluateCommand.Settings>(host)
{
    /// <summary>The options of <c>evaluate</c>.</summary>
    internal sealed class Settings : SampleSettings
    {
        /// <summary>A labelled messages file.</summary>
        [CommandOption("--data <FILE>")]
        [Description("A text<TAB>label file (labels: frustrated, positive, other).")]
        public string? Data { get; init; }

        /// <summary>A labelled conversations file.</summary>
        [CommandOption("--conversations <FILE>")]
        // No square brackets in descriptions: Spectre reads them as markup when it renders the help.
        [Description("A JSON Lines file of conversations, one object per line: id, turns (each with text and label) and escalate_at (the 0-based turn a human is due, or null).")]
        public string? Conversations { get; init; }

        /// <summary>Also train and score the baselines.</summary>
        [CommandOption("--baseline")]
        [Description("With --data: also train the three baselines on the classifier's training texts and score them: majority class, tuned hashed unigram+bigram logistic regression, fastText-style bag of n-grams.")]
        public bool Baseline { get; init; }

        /// <summary>Print JSON.</summary>
        [CommandOption("--json")]
        [Description("Print one JSON document; errors as {\"error\": {\"kind\", \"message\"}} on stderr.")]
        public bool Json { get; init; }

        /// <inheritdoc />
        public override bool JsonErrors => Json;

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if ((Data is null) == (Conversations is null))
            {
                return ValidationResult.Error("evaluate needs exactly one of --data FILE (labelled messages) or --conversations FILE.jsonl.");
            }
            return Baseline && Conversations is not null
                ? ValidationResult.Error("--baseline goes with --data, not --conversations.")
                : ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken) =>
        Task.FromResult(settings.Conversations is { } conversations ? EvaluateConversations(settings, conversations) : EvaluateMessages(settings, settings.Data!));

    private int EvaluateMessages(Settings settings, string data)
    {
        var texts = TsvReader.Read(data);
        if (texts.Count == 0)
        {
            throw new CommandException("EmptyData", $"{data}: the file holds no labelled message (expected text<TAB>label lines).");
        }
        var model = ModelFile.Load(settings.ModelPath);
        var probabilities = model.Probabilities(texts.Select(t => t.Text).ToList());
        var labels = texts.Select(t => t.Label).ToArray();
        var classifier = new EvaluationReport("classifier", FrustrationThreshold.Score(probabilities, labels, model.FrustrationThreshold));
        if (!settings.Json)
        {
            Host.Console.WriteLine(classifier.ToString());
        }
        IReadOnlyList<EvaluationReport> baselines = [];
        if (settings.Baseline)
        {
            if (!settings.Json)
            {
                Host.Console.WriteLine(BaselineRun.Announcement);
            }
            baselines = BaselineRun.Score(("", texts));
        }
        if (settings.Json)
        {
            // The classifier's report is the top-level object (accuracy, macro_f1, per_class, confusion_matrix); the
            // baselines follow in an array, each with its name.
            JsonOutput.Write(Host.Console, json =>
            {
                json.WriteStartObject();
                classifier.WriteFields(json);
                if (settings.Baseline)
                {
                    json.WriteStartArray("baselines");
                    foreach (var baseline in baselines)
                    {
                        json.WriteStartObject();
                        json.WriteString("name", baseline.Name);
                        baseline.WriteFields(json);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            });
            return ExitCodes.Ok;
        }
        foreach (var baseline in baselines)
        {
            Host.Console.WriteLine(baseline.ToString());
        }
        return ExitCodes.Ok;
    }

    private int EvaluateConversations(Settings settings, string path)
    {
        var conversations = ConversationFile.Read(path);
        var model = ModelFile.Load(settings.ModelPath);
        var result = ConversationEvaluation.Run(conversations, model.Classify);
        var turns = new EvaluationReport("classifier (per customer turn)", result.Turns);
        if (settings.Json)
        {
            JsonOutput.Write(Host.Console, json =>
            {
                json.WriteStartObject();
                turns.WriteFields(json);
                json.WritePropertyName("escalation");
                result.Escalation.WriteJson(json);
                json.WriteEndObject();
            });
            return ExitCodes.Ok;
        }
        Host.Console.WriteLine(turns.ToString());
        Host.Console.WriteLine(result.Escalation.ToString());
        return ExitCodes.Ok;
    }
}

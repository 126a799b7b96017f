using System.ClientModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using ParameterKit.Training;
using SentimentChat.Chat;
using SentimentChat.Evaluation;
using SentimentChat.Model;
using SentimentChat.Text;
using Spectre.Console;

namespace SentimentChat.Commands;

/// <summary>
/// The sample's commands: <c>chat</c> (default), <c>classify "text" [--json]</c>,
/// <c>evaluate --data file.tsv [--json] [--baseline]</c> and <c>train [--epochs N] [--seed S] [--out file]</c>.
/// Every command takes <c>--model file</c> (default: the user's data folder). Output goes to the given console, so
/// tests run the commands in-process.
/// </summary>
public static class App
{
    private const string Usage = """
        Usage: dotnet run --project samples/SentimentChat -- [command] [options]
          chat                         talk to the bot (default); reads stdin when redirected
          classify "text" [--json]     label one message
          evaluate --data file.tsv [--json] [--baseline]
                                       accuracy, per-class F1, macro-F1, confusion matrix (text<TAB>label files)
          train [--epochs 3] [--seed 1] [--out model.safetensors]
        Options: --model file (default: the user's data folder), --llm endpoint --llm-model name [--api-key key]
        """;

    /// <summary>Runs a command; returns the process exit code (0 ok, 1 bad input or usage).</summary>
    public static async Task<int> RunAsync(string[] args, TextReader input, bool inputIsInteractive, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        try
        {
            var arguments = new Arguments(args);
            if (arguments.Has("--help"))
            {
                console.WriteLine(Usage);
                return 0;
            }
            string modelPath = arguments.Get("--model") ?? ModelFile.DefaultPath;
            switch (arguments.Verb)
            {
                case "chat":
                    await ChatAsync(arguments, modelPath, input, inputIsInteractive, console, cancellationToken).ConfigureAwait(false);
                    return 0;
                case "classify":
                    return Classify(arguments, modelPath, console);
                case "evaluate":
                    return Evaluate(arguments, modelPath, console);
                case "train":
                    Train(arguments.GetInt("--epochs", 3), (ulong)arguments.GetInt("--seed", 1), arguments.Get("--out") ?? modelPath, console);
                    return 0;
                default:
                    throw new UsageException($"Unknown command '{arguments.Verb}'.");
            }
        }
        catch (UsageException ex)
        {
            console.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
            console.WriteLine(Usage);
            return 1;
        }
        catch (Exception ex) when (ex is ModelFileException or DataFormatException or FileNotFoundException)
        {
            console.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
            return 1;
        }
    }

    private static async Task ChatAsync(Arguments arguments, string modelPath, TextReader input, bool interactive, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var model = File.Exists(modelPath) || arguments.Get("--model") is not null
            ? ModelFile.Load(modelPath)
            : FirstRun(modelPath, console);
        var mood = new ConversationMood();
        IReplyGenerator replies = arguments.Get("--llm") is { } endpoint
            ? new ChatClientReplyGenerator(OpenAiCompatibleClient(endpoint, arguments.Get("--llm-model") ?? "llama3", arguments.Get("--api-key")), model.Classify, mood)
            : new TemplateReplyGenerator();
        using var disposable = replies as IDisposable;
        await new ChatLoop(model, replies, mood, console).RunAsync(input, interactive, cancellationToken).ConfigureAwait(false);
    }

    private static SentimentClassifier FirstRun(string modelPath, IAnsiConsole console)
    {
        console.MarkupLine($"[yellow]No model yet at {Markup.Escape(modelPath)}: training one now (under a minute on two cores; it is cached for next time).[/]");
        return Train(epochs: 3, seed: 1, modelPath, console);
    }

    /// <summary>An <see cref="IChatClient"/> for any OpenAI-compatible endpoint (OpenAI, Ollama's /v1, vLLM, LM Studio).</summary>
    private static IChatClient OpenAiCompatibleClient(string endpoint, string model, string? apiKey) =>
        new OpenAI.Chat.ChatClient(model, new ApiKeyCredential(apiKey ?? "not-needed"), new OpenAIClientOptions { Endpoint = new Uri(endpoint) }).AsIChatClient();

    private static int Classify(Arguments arguments, string modelPath, IAnsiConsole console)
    {
        string text = arguments.Values.Count > 0 ? string.Join(' ', arguments.Values) : throw new UsageException("classify needs the text to classify.");
        var model = ModelFile.Load(modelPath);
        var prediction = model.Classify(text);
        if (arguments.Has("--json"))
        {
            WriteJson(console, json =>
            {
                json.WriteStartObject();
                json.WriteString("label", prediction.LabelName);
                json.WriteStartObject("probabilities");
                for (int c = 0; c < Labels.Names.Count; c++)
                {
                    json.WriteNumber(Labels.Names[c], prediction.Probabilities[c]);
                }
                json.WriteEndObject();
                json.WriteBoolean("truncated", prediction.Truncated);
                json.WriteEndObject();
            });
            return 0;
        }
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{prediction.LabelName} (frustrated {prediction.Probabilities[0]:F3}, positive {prediction.Probabilities[1]:F3}, other {prediction.Probabilities[2]:F3})"));
        if (prediction.Truncated)
        {
            console.WriteLine($"Note: the message has {prediction.Tokens} tokens; only the first {model.Shape.MaxTokens} were read.");
        }
        return 0;
    }

    private static int Evaluate(Arguments arguments, string modelPath, IAnsiConsole console)
    {
        string data = arguments.Get("--data") ?? throw new UsageException("evaluate needs --data file.tsv (text<TAB>label per line).");
        var texts = TsvReader.Read(data);
        var model = ModelFile.Load(modelPath);
        var task = new ClassificationTask(model, [1f, 1f, 1f]);
        var (probabilities, labels) = task.Probabilities(Corpus.Encode(model, texts));
        var reports = new List<EvaluationReport> { new("classifier", FrustrationThreshold.Score(probabilities, labels, model.FrustrationThreshold)) };
        if (arguments.Has("--baseline"))
        {
            reports.AddRange(Baselines.Train(TrainingRecipe.TrainingTexts(new RecipeOptions())).Select(b => new EvaluationReport(b.Name, b.Score(texts))));
        }
        if (arguments.Has("--json"))
        {
            WriteJson(console, json =>
            {
                // The classifier's report is the top-level object (accuracy, macro_f1, per_class); the baseline nests.
                using var first = new MemoryStream();
                using (var inner = new Utf8JsonWriter(first))
                {
                    reports[0].WriteJson(inner);
                }
                using var parsed = JsonDocument.Parse(first.ToArray());
                json.WriteStartObject();
                foreach (var property in parsed.RootElement.EnumerateObject())
                {
                    property.WriteTo(json);
                }
                if (reports.Count > 1)
                {
                    json.WriteStartArray("baselines");
                    foreach (var report in reports.Skip(1))
                    {
                        report.WriteJson(json);
                    }
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            });
            return 0;
        }
        foreach (var report in reports)
        {
            console.WriteLine(report.ToString());
        }
        return 0;
    }

    private static SentimentClassifier Train(int epochs, ulong seed, string outPath, IAnsiConsole console)
    {
        TrainingOutcome? outcome = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var bar = context.AddTask("training", maxValue: 1);
                var progress = new InlineProgress(p =>
                {
                    bar.MaxValue = p.TotalSteps;
                    bar.Value = p.Step;
                    bar.Description = string.Create(CultureInfo.InvariantCulture,
                        $"epoch {p.Epoch}/{p.Epochs} loss {p.Loss:F3} lr {p.LearningRate:E1} {p.ExamplesPerSecond:N0} ex/s ETA {p.EstimatedRemaining:mm\\:ss}");
                });
                outcome = TrainingRecipe.Run(new RecipeOptions(Epochs: epochs, Seed: seed), progress);
            });
        var result = outcome!;
        var metrics = TrainingRecipe.Metrics(result);
        ModelFile.Save(outPath, result.Model, metrics);
        string curve = Path.ChangeExtension(outPath, ".svg");
        TrainingCurve.Write(curve, result.Losses, result.Result.Epochs.Select(e => e.Validation!["macro_f1"]).ToList());
        foreach (var epoch in result.Result.Epochs)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch.Epoch}: training loss {epoch.TrainingLoss:F4}, dev macro-F1 {epoch.Validation!["macro_f1"]:F4}, dev accuracy {epoch.Validation["accuracy"]:F4}"));
        }
        var dev = TrainingRecipe.DevTexts();
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"frustration threshold chosen on dev: {result.Model.FrustrationThreshold:F2}"));
        console.WriteLine(new EvaluationReport("classifier (dev)", result.Dev).ToString());
        console.WriteLine("training the baselines on the same texts for comparison...");
        foreach (var baseline in Baselines.Train(TrainingRecipe.TrainingTexts(new RecipeOptions(Epochs: epochs, Seed: seed))))
        {
            console.WriteLine(new EvaluationReport(baseline.Name + " (dev)", baseline.Score(dev)).ToString());
        }
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trained in {result.Elapsed.TotalSeconds:F0} s; model {new FileInfo(outPath).Length / 1e6:F1} MB at {outPath}; curve at {curve}"));
        return result.Model;
    }

    private static void WriteJson(IAnsiConsole console, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }
        console.Profile.Out.Writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>Reports on the training thread (Spectre's progress context is not thread-safe across posts).</summary>
    private sealed class InlineProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}

using ParameterKit.CommandLine;
using System.ComponentModel;
using System.Globalization;
using ParameterKit.Training;
using SentimentChat.Evaluation;
using SentimentChat.Model;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SentimentChat.Commands;

/// <summary>
/// <c>train [--epochs N] [--seed S] [--out PATH]</c>: trains the classifier, saves it with its training curve, and
/// compares it with the baseline on dev.
/// </summary>
internal sealed class TrainCommand(SampleHost host) : SampleCommand<TrainCommand.Settings>(host)
{
    /// <summary>The options of <c>train</c>.</summary>
    internal sealed class Settings : SampleSettings
    {
        /// <summary>Passes over the training set.</summary>
        [CommandOption("--epochs <N>")]
        [Description("Passes over the training set.")]
        [DefaultValue(3)]
        public int Epochs { get; init; } = 3;

        /// <summary>The seed of initialization, shuffling and dropout.</summary>
        [CommandOption("--seed <S>")]
        [Description("Seed of initialization, shuffling and dropout: the same seed writes the same model file.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; } = 1;

        /// <summary>Where to write the model.</summary>
        [CommandOption("--out <PATH>")]
        [Description("The model file to write, or an existing folder (model.safetensors and model.svg go inside); a file's curve goes beside it, named as the file with .svg. Default: --model.")]
        public string? Out { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Epochs is >= 1 and <= 1000 ? ValidationResult.Success() : ValidationResult.Error($"--epochs must be from 1 to 1000, not {Epochs}.");
    }

    /// <inheritdoc />
    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        // Checked before training, whichever option names it: a folder, a missing folder or a .svg name (the curve's)
        // must cost a second, not a training run or the model itself.
        string path = settings.Out is not null ? ModelOutputPath.Resolve(settings.Out)
            : settings.Model is not null ? ModelOutputPath.Resolve(settings.Model, "--model")
            : settings.ModelPath;
        TrainAndSave(Host, settings.Epochs, settings.Seed, path, baseline: true, cancellationToken);
        return Task.FromResult(ExitCodes.Ok);
    }

    /// <summary>
    /// Trains, saves the model and its curve, prints the epochs, the dev report and (optionally) the baseline. A
    /// cancelled run (Ctrl+C) throws <see cref="OperationCanceledException"/> before anything is written, so the model
    /// already at <paramref name="modelPath"/> stays.
    /// </summary>
    public static SentimentClassifier TrainAndSave(SampleHost host, int epochs, ulong seed, string modelPath, bool baseline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var console = host.Console;
        var outcome = Train(host, epochs, seed, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        // The metrics hold no wall-clock figure (two runs with the same seed write the same bytes); the time is printed below.
        ModelFile.Save(modelPath, outcome.Model, TrainingRecipe.Metrics(outcome));
        string curve = Path.ChangeExtension(modelPath, ".svg");
        TrainingCurve.Write(curve, outcome.Losses, outcome.Result.Epochs.Select(e => e.Validation!["macro_f1"]).ToList());
        foreach (var epoch in outcome.Result.Epochs)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch.Epoch}: mean training loss {epoch.TrainingLoss:F4} (the progress line's running mean at the epoch's end), dev macro-F1 {epoch.Validation!["macro_f1"]:F4}, dev accuracy {epoch.Validation["accuracy"]:F4}"));
        }
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"frustration threshold chosen on dev: {outcome.Model.FrustrationThreshold:F2} (frustrated from this probability on, even when another class is likelier)"));
        console.WriteLine(new EvaluationReport("classifier (GoEmotions dev)", outcome.GoEmotionsDev).ToString());
        console.WriteLine(new EvaluationReport("classifier (customer-service dev)", outcome.SupportDev).ToString());
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trained in {outcome.Elapsed.TotalSeconds:F0} s (wall clock; not stored in the model file); model {new FileInfo(modelPath).Length / 1e6:F1} MB at {modelPath}; curve at {curve}"));
        if (baseline)
        {
            console.WriteLine(BaselineRun.Announcement);
            foreach (var report in BaselineRun.Score((" (GoEmotions dev)", Corpus.Dev()), (" (customer-service dev)", Corpus.Support("dev"))))
            {
                console.WriteLine(report.ToString());
            }
        }
        return outcome.Model;
    }

    private static TrainingOutcome Train(SampleHost host, int epochs, ulong seed, CancellationToken cancellationToken)
    {
        var text = new TrainingProgressText();
        if (!host.Console.Profile.Capabilities.Interactive)
        {
            // Redirected to a file or a pipe: plain lines about every tenth of the run instead of a redrawn bar.
            long lastTenth = -1;
            return host.Train(epochs, seed, new InlineProgress(p =>
            {
                string line = text.Update(p);
                long tenth = p.Step * 10 / Math.Max(1, p.TotalSteps);
                if (tenth != lastTenth)
                {
                    lastTenth = tenth;
                    host.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {p.Step}/{p.TotalSteps} {line}"));
                }
            }), cancellationToken);
        }
        TrainingOutcome? outcome = null;
        host.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var bar = context.AddTask("training", maxValue: 1);
                outcome = host.Train(epochs, seed, new InlineProgress(p =>
                {
                    bar.MaxValue = p.TotalSteps;
                    bar.Value = p.Step;
                    bar.Description = Markup.Escape(text.Update(p));
                }), cancellationToken);
            });
        return outcome!;
    }

    /// <summary>Reports on the training thread (Spectre's progress context is not thread-safe across posts).</summary>
    private sealed class InlineProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}

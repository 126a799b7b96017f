using System.Diagnostics;
using System.Globalization;
using ParameterKit.Training;
using ParameterKit.Training.Metrics;
using ParameterKit.Training.Schedules;
using SentimentChat.Text;

namespace SentimentChat.Model;

/// <summary>What a training run produced.</summary>
/// <param name="Model">The trained classifier (parameters of its best dev epoch).</param>
/// <param name="Result">The trainer's epochs.</param>
/// <param name="Losses">Loss per step.</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="Dev">Dev confusion matrix (both sources) under the chosen frustration threshold (what the chat will do).</param>
/// <param name="GoEmotionsDev">The same on GoEmotions' dev split alone.</param>
/// <param name="SupportDev">The same on the customer-service dev split alone.</param>
public sealed record TrainingOutcome(SentimentClassifier Model, TrainingResult Result, IReadOnlyList<float> Losses, TimeSpan Elapsed,
    ConfusionMatrix Dev, ConfusionMatrix GoEmotionsDev, ConfusionMatrix SupportDev);

/// <summary>The knobs of a training run; the defaults are the recipe <c>train</c> uses (chosen on dev only).</summary>
/// <param name="Epochs">Passes over the training set.</param>
/// <param name="Seed">Seed of initialization, shuffling and dropout.</param>
/// <param name="Shape">The model's hyperparameters.</param>
/// <param name="LearningRate">Peak learning rate of the cosine schedule.</param>
/// <param name="SupportRepeats">How many times each customer-service training message is seen per epoch: they are
/// few beside 43,410 Reddit comments, yet they are the domain the chat serves.</param>
/// <param name="Train">Training texts to use instead of the shipped ones (short runs in tests).</param>
/// <param name="Dev">Dev texts to use instead of the shipped ones.</param>
public sealed record RecipeOptions(
    int Epochs = 3,
    ulong Seed = 1,
    ModelShape? Shape = null,
    double LearningRate = 0.003,
    int SupportRepeats = 4,
    IReadOnlyList<LabeledText>? Train = null,
    IReadOnlyList<LabeledText>? Dev = null);

/// <summary>
/// How the chat's classifier is trained: GoEmotions and the customer-service corpus together; the word regression with
/// its tuned settings and the word-vector convolution with its own, then the perceptron with AdamW (decay on weights only, by kind), cosine schedule with warmup,
/// batches of 64, class-weighted loss, and the parameters of the epoch with the best dev score kept (the mean of the two
/// dev macro-F1s); then all three are rounded to bfloat16 and the frustration threshold chosen on their averaged probabilities.
/// </summary>
public static class TrainingRecipe
{
    /// <summary>Trains a classifier on the shipped data.</summary>
    /// <param name="options">The knobs (defaults when null).</param>
    /// <param name="progress">Receives a report per step.</param>
    /// <param name="cancellationToken">Ends the run between its stages or after the current step.</param>
    /// <exception cref="OperationCanceledException">The run was cancelled: there is no model to save.</exception>
    public static TrainingOutcome Run(RecipeOptions? options = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new RecipeOptions();
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var model = new SentimentClassifier(options.Shape ?? new ModelShape());
        model.Store.Materialize(options.Seed);
        var trainingTexts = TrainingTexts(options);
        var devTexts = DevTexts(options);
        // The regression first: a few seconds of sparse updates, no dev set needed (its settings were tuned on dev).
        model.Regression.Train(trainingTexts, options.Seed, cancellationToken);
        // The word-vector convolution next: about seven seconds on two Zen 5 cores, a fixed number of epochs chosen on dev.
        model.Words.Train(trainingTexts, WordVectors.Shipped.Values, options.Seed, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var trainSet = Corpus.Encode(model, trainingTexts);
        var devSet = Corpus.Encode(model, devTexts);
        var task = new ClassificationTask(model, ClassificationTask.InverseFrequencyWeights(trainSet));
        var run = new TrainerOptions
        {
            Epochs = options.Epochs,
            BatchSize = 64,
            Seed = options.Seed,
            EarlyStoppingMetric = "score",
            Patience = 2,
            RestoreBestParameters = true,
        };
        long totalSteps = run.OptimizerSteps(trainSet.Length);
        var schedule = new CosineSchedule(options.LearningRate, warmupSteps: Math.Min(100, totalSteps / 10), totalSteps);
        var trainer = new Trainer<EncodedText>(task, new AdamW(model.Store, schedule.BaseLearningRate, weightDecay: 0.01), run with { LearningRate = schedule.At });
        var losses = new LossLog();
        trainer.Callbacks.Add(losses);
        var result = trainer.Fit(trainSet, devSet, progress, cancellationToken: cancellationToken);
        if (result.Cancelled)
        {
            // Half a run is not the model the command promised: nothing is saved, and the caller says so.
            throw new OperationCanceledException("Training was cancelled before it finished.", cancellationToken);
        }
        // Round to what the file will hold before anything is measured, so the file is the model that was evaluated.
        BFloat16Storage.Round(model.Store);
        BFloat16Storage.Round(model.Regression.Store);
        BFloat16Storage.Round(model.Words.Store);
        var goEmotionsDev = Classified(model, devTexts.Where(t => !t.IsSupport).ToList());
        var supportDev = Classified(model, devTexts.Where(t => t.IsSupport).ToList());
        model.FrustrationThreshold = FrustrationThreshold.Choose(supportDev.Labels.Length > 0 ? [goEmotionsDev, supportDev] : [goEmotionsDev]);
        // Both sources together, from the two parts already classified (a confusion matrix ignores row order).
        float[] probabilities = [.. goEmotionsDev.Probabilities, .. supportDev.Probabilities];
        int[] labels = [.. goEmotionsDev.Labels, .. supportDev.Labels];
        float tau = model.FrustrationThreshold;
        return new TrainingOutcome(model, result, losses.Losses, clock.Elapsed, FrustrationThreshold.Score(probabilities, labels, tau),
            FrustrationThreshold.Score(goEmotionsDev.Probabilities, goEmotionsDev.Labels, tau), FrustrationThreshold.Score(supportDev.Probabilities, supportDev.Labels, tau));
    }

    /// <summary>The classifier's probabilities (rows of 3) for <paramref name="texts"/>, and their labels.</summary>
    private static (float[] Probabilities, int[] Labels) Classified(SentimentClassifier model, IReadOnlyList<LabeledText> texts) =>
        (model.Probabilities(texts.Select(t => t.Text).ToList()), texts.Select(t => t.Label).ToArray());

    /// <summary>The training texts of a run: GoEmotions' train split and the support corpus's, the latter repeated.</summary>
    public static IReadOnlyList<LabeledText> TrainingTexts(RecipeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Train is not null)
        {
            return options.Train;
        }
        var support = Corpus.Support("train");
        var train = new List<LabeledText>(Corpus.Train());
        for (int r = 0; r < options.SupportRepeats; r++)
        {
            train.AddRange(support);
        }
        return train;
    }

    /// <summary>The dev texts of a run: GoEmotions' dev split and the support corpus's.</summary>
    public static IReadOnlyList<LabeledText> DevTexts(RecipeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Dev ?? [.. Corpus.Dev(), .. Corpus.Support("dev")];
    }

    /// <summary>
    /// The dev metrics under the chosen decision rule, as metadata strings. Only what the seed determines: no wall-clock
    /// figure, so the same seed writes the same bytes.
    /// </summary>
    public static Dictionary<string, string> Metrics(TrainingOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["dev_macro_f1"] = F(outcome.Dev.MacroF1),
            ["dev_accuracy"] = F(outcome.Dev.Accuracy),
            ["dev_recall_frustrated"] = F(outcome.Dev.Recall(Labels.Frustrated)),
            ["goemotions_dev_macro_f1"] = F(outcome.GoEmotionsDev.MacroF1),
            ["support_dev_macro_f1"] = F(outcome.SupportDev.MacroF1),
            ["support_dev_precision_frustrated"] = F(outcome.SupportDev.Precision(Labels.Frustrated)),
            ["support_dev_recall_frustrated"] = F(outcome.SupportDev.Recall(Labels.Frustrated)),
            ["best_epoch"] = outcome.Result.BestEpoch.ToString(CultureInfo.InvariantCulture),
        };
    }

    private sealed class LossLog : TrainerCallback
    {
        public List<float> Losses { get; } = new(capacity: 8192);

        public override bool OnStepEnd(in TrainingProgress progress)
        {
            Losses.Add(progress.Loss);
            return true;
        }
    }
}

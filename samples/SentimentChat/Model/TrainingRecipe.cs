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
/// <param name="Dev">Dev confusion matrix under the chosen frustration threshold (what the chat will do).</param>
public sealed record TrainingOutcome(SentimentClassifier Model, TrainingResult Result, IReadOnlyList<float> Losses, TimeSpan Elapsed, ConfusionMatrix Dev);

/// <summary>
/// How the chat's classifier is trained: AdamW (decay on weights only, by kind), cosine schedule with 100 warmup
/// steps, batches of 64, class-weighted loss, and the parameters of the epoch with the best dev macro-F1 kept.
/// </summary>
public static class TrainingRecipe
{
    /// <summary>Trains a classifier on the shipped GoEmotions split.</summary>
    /// <param name="epochs">Passes over the training set.</param>
    /// <param name="seed">Seed of initialization, shuffling and dropout.</param>
    /// <param name="progress">Receives a report per step.</param>
    /// <param name="train">Training texts (the shipped train split when null).</param>
    /// <param name="dev">Validation texts (the shipped dev split when null).</param>
    public static TrainingOutcome Run(int epochs, ulong seed, IProgress<TrainingProgress>? progress = null, IReadOnlyList<LabeledText>? train = null, IReadOnlyList<LabeledText>? dev = null)
    {
        var clock = Stopwatch.StartNew();
        var model = new SentimentClassifier(new ModelShape());
        model.Store.Materialize(seed);
        var trainSet = Corpus.Encode(model, train ?? Corpus.Train());
        var devSet = Corpus.Encode(model, dev ?? Corpus.Dev());
        var task = new ClassificationTask(model, ClassificationTask.InverseFrequencyWeights(trainSet));
        const int batch = 64;
        long totalSteps = (trainSet.Length + batch - 1) / batch * (long)epochs;
        var schedule = new CosineSchedule(0.003, warmupSteps: Math.Min(100, totalSteps / 10), totalSteps);
        var trainer = new Trainer<EncodedText>(task, new AdamW(model.Store, schedule.BaseLearningRate, weightDecay: 0.01), new TrainerOptions
        {
            Epochs = epochs,
            BatchSize = batch,
            Seed = seed,
            LearningRate = schedule.At,
            EarlyStoppingMetric = "macro_f1",
            Patience = 2,
            RestoreBestParameters = true,
        });
        var losses = new LossLog();
        trainer.Callbacks.Add(losses);
        var result = trainer.Fit(trainSet, devSet, progress);
        var (probabilities, labels) = task.Probabilities(devSet);
        model.FrustrationThreshold = FrustrationThreshold.Choose(probabilities, labels);
        var decided = FrustrationThreshold.Score(probabilities, labels, model.FrustrationThreshold);
        return new TrainingOutcome(model, result, losses.Losses, clock.Elapsed, decided);
    }

    /// <summary>The dev metrics under the chosen decision rule, as metadata strings.</summary>
    public static Dictionary<string, string> Metrics(TrainingOutcome outcome)
    {
        var dev = outcome.Dev;
        return new Dictionary<string, string>
        {
            ["dev_macro_f1"] = dev.MacroF1.ToString("F4", CultureInfo.InvariantCulture),
            ["dev_accuracy"] = dev.Accuracy.ToString("F4", CultureInfo.InvariantCulture),
            ["dev_recall_frustrated"] = dev.Recall(Labels.Frustrated).ToString("F4", CultureInfo.InvariantCulture),
            ["best_epoch"] = outcome.Result.BestEpoch.ToString(CultureInfo.InvariantCulture),
            ["training_seconds"] = outcome.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture),
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

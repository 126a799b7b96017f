using System.Globalization;
using SentimentChat.Model;

namespace SentimentChat.Web.Hosting;

/// <summary>
/// Finds the classifier the way the console sample does: a file given with <c>--model</c>, else the sample's cached
/// model at <see cref="ModelFile.DefaultPath"/>, else a first run that trains one (same recipe and seed as the
/// console sample's first run) and caches it there for both samples.
/// </summary>
public static class ModelSource
{
    /// <summary>Loads or trains the classifier.</summary>
    /// <param name="path">The model file, or null for the cached one.</param>
    /// <param name="cachePath">Where the cached model is, and where a first run saves the one it trains.</param>
    /// <param name="log">Where the first-run note goes.</param>
    /// <param name="cancellationToken">Stops a first run's training (the server is shutting down); nothing is saved then.</param>
    /// <exception cref="ModelFileException">The given file is missing or not a model.</exception>
    /// <exception cref="OperationCanceledException">The first run's training was cancelled: no model, nothing saved.</exception>
    public static SentimentClassifier LoadOrTrain(string? path, string cachePath, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cachePath);
        ArgumentNullException.ThrowIfNull(log);
        if (path is not null)
        {
            return ModelFile.Load(path);
        }
        if (ModelFile.LoadCached(cachePath, out string? problem) is { } cached)
        {
            return cached;
        }
        string why = problem is null ? $"No model yet at {cachePath}" : $"The cached model cannot be used ({problem})";
        log.WriteLine($"{why}: training one now (under a minute on two cores; it is cached for next time; Ctrl+C stops).");
        var outcome = TrainingRecipe.Run(new RecipeOptions(Epochs: 3, Seed: 1), cancellationToken: cancellationToken);
        ModelFile.Save(cachePath, outcome.Model, TrainingRecipe.Metrics(outcome));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Trained in {outcome.Elapsed.TotalSeconds:F0} s; saved to {cachePath}."));
        return outcome.Model;
    }
}

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
    /// <param name="log">Where the first-run note goes.</param>
    /// <exception cref="ModelFileException">The given file is missing or not a model.</exception>
    public static SentimentClassifier LoadOrTrain(string? path, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (path is not null)
        {
            return ModelFile.Load(path);
        }
        if (ModelFile.LoadCached(out string? problem) is { } cached)
        {
            return cached;
        }
        string why = problem is null ? $"No model yet at {ModelFile.DefaultPath}" : $"The cached model cannot be used ({problem})";
        log.WriteLine($"{why}: training one now (under a minute on two cores; it is cached for next time).");
        var outcome = TrainingRecipe.Run(new RecipeOptions(Epochs: 3, Seed: 1));
        ModelFile.Save(ModelFile.DefaultPath, outcome.Model, TrainingRecipe.Metrics(outcome));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Trained in {outcome.Elapsed.TotalSeconds:F0} s; saved to {ModelFile.DefaultPath}."));
        return outcome.Model;
    }
}

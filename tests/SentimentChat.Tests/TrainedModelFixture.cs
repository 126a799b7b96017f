using SentimentChat.Model;

namespace SentimentChat.Tests;

/// <summary>
/// Trains the sample's model once for all tests (the real recipe, full GoEmotions train split, fixed seed: about a
/// minute on two cores) and saves it to a temporary file the commands load with --model.
/// </summary>
public sealed class TrainedModelFixture : IDisposable
{
    public const int Epochs = 3;

    public const ulong Seed = 1;

    public TrainedModelFixture()
    {
        Folder = Directory.CreateTempSubdirectory("sentimentchat-").FullName;
        ModelPath = Path.Combine(Folder, "model.safetensors");
        Outcome = TrainingRecipe.Run(new RecipeOptions(Epochs: Epochs, Seed: Seed));
        ModelFile.Save(ModelPath, Outcome.Model, TrainingRecipe.Metrics(Outcome));
    }

    public string Folder { get; }

    public string ModelPath { get; }

    public TrainingOutcome Outcome { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

[CollectionDefinition(Name)]
public sealed class TrainedModelCollection : ICollectionFixture<TrainedModelFixture>
{
    public const string Name = "trained model";
}

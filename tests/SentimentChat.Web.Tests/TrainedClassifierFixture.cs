using SentimentChat.Model;
using SentimentChat.Text;
using SentimentChat.Web.Conversations;

namespace SentimentChat.Web.Tests;

/// <summary>
/// One classifier for every test in the run: the console sample's recipe (fixed seed) cut to one epoch, which reads
/// the plain messages these tests send correctly and keeps the fixture to seconds rather than a minute. Tests check
/// that reading first (<see cref="Expect"/>), so a weaker model fails with a message naming the text, not a
/// puzzling assertion about the page.
/// </summary>
public sealed class TrainedClassifierFixture
{
    /// <summary>A complaint the customer opens with: frustrated, but not yet a reason to offer a person on its own (no
    /// request, threat or repeated contact, which the escalation policy answers at once).</summary>
    public const string Complaint = "My parcel is two weeks late and the tracking hasn't moved. This is ridiculous!";

    /// <summary>Frustration again, so the conversation warrants a person.</summary>
    public const string Anger = "This is unacceptable. I am furious, worst service ever.";

    /// <summary>A thank-you.</summary>
    public const string Thanks = "Thank you so much, that's great, I really appreciate your help!";

    public TrainedClassifierFixture()
    {
        Classifier = new SharedClassifier(TrainingRecipe.Run(new RecipeOptions(Epochs: 1, Seed: 1)).Model);
    }

    public SharedClassifier Classifier { get; }

    /// <summary>Fails with the probabilities when <paramref name="text"/> is not read as <paramref name="label"/>.</summary>
    public void Expect(string text, int label)
    {
        var prediction = Classifier.Classify(text);
        Assert.True(prediction.Label == label,
            $"The test model reads \"{text}\" as {prediction.LabelName} ({string.Join(", ", prediction.Probabilities.Select((p, i) => $"{Labels.Names[i]} {p:F2}"))}), not {Labels.Names[label]}; the tests below rely on it.");
    }
}

[CollectionDefinition(Name)]
public sealed class TrainedClassifierCollection : ICollectionFixture<TrainedClassifierFixture>
{
    public const string Name = "trained classifier";
}

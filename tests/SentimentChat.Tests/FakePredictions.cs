using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Tests;

/// <summary>Hand-made predictions, so the escalation tests do not depend on what a trained model thinks.</summary>
public static class FakePredictions
{
    public static Prediction Frustrated { get; } = new(Labels.Frustrated, [0.8f, 0.05f, 0.15f], 8, false);

    public static Prediction Positive { get; } = new(Labels.Positive, [0.05f, 0.9f, 0.05f], 8, false);

    public static Prediction Other { get; } = new(Labels.Other, [0.1f, 0.1f, 0.8f], 8, false);

    /// <summary>Labelled "other" by the classifier but with a fair chance of frustration.</summary>
    public static Prediction Borderline { get; } = new(Labels.Other, [0.35f, 0.05f, 0.6f], 8, false);

    /// <summary>Labelled frustrated, but below the confidence a streak of them needs to offer a person.</summary>
    public static Prediction FrustratedBarely { get; } = new(Labels.Frustrated, [0.4f, 0.05f, 0.55f], 8, false);

    public static Prediction Of(int label) => label switch
    {
        Labels.Frustrated => Frustrated,
        Labels.Positive => Positive,
        _ => Other,
    };
}

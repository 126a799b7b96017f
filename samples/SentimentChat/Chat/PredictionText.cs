using System.Globalization;
using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Chat;

/// <summary>
/// How a prediction's label is shown beside its probabilities. Frustration wins from its threshold on (see
/// <see cref="FrustrationThreshold"/>), so "frustrated" can sit beside a larger P(other); the label then says why.
/// </summary>
public static class PredictionText
{
    /// <summary><c>frustrated (threshold 0.41)</c> when the threshold overrode the largest probability, else the label.</summary>
    public static string Label(Prediction prediction, float frustrationThreshold)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        return prediction.LabelName + ThresholdNote(prediction, frustrationThreshold);
    }

    /// <summary><c> (threshold 0.41)</c> when the threshold overrode the largest probability, else empty.</summary>
    public static string ThresholdNote(Prediction prediction, float frustrationThreshold) =>
        ThresholdDecided(prediction) ? string.Create(CultureInfo.InvariantCulture, $" (threshold {frustrationThreshold:F2})") : string.Empty;

    /// <summary>Whether the label is frustrated although another class has the larger probability.</summary>
    public static bool ThresholdDecided(Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var p = prediction.Probabilities;
        return prediction.Label == Labels.Frustrated && (p[Labels.Positive] > p[Labels.Frustrated] || p[Labels.Other] > p[Labels.Frustrated]);
    }
}

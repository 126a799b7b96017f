using SentimentChat.Text;

namespace SentimentChat.Model;

/// <summary>The classifier's answer for one message.</summary>
/// <param name="Label">The decided class (frustration wins from its threshold on; see <see cref="FrustrationThreshold"/>).</param>
/// <param name="Probabilities">P(frustrated), P(positive), P(other).</param>
/// <param name="Tokens">How many tokens the message has.</param>
/// <param name="Truncated">Whether the message was longer than the model's context (only its start was read).</param>
public sealed record Prediction(int Label, IReadOnlyList<float> Probabilities, int Tokens, bool Truncated)
{
    /// <summary>The label's name.</summary>
    public string LabelName => Labels.Names[Label];

    /// <summary>The probability of the predicted label.</summary>
    public float Confidence => Probabilities[Label];
}

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

    /// <summary>
    /// Whether the message is read as praise with P(positive) of at least <see cref="Sure"/>: what the chat answers with
    /// gladness, and what keeps "!!" or capitals from counting as a raised tone ("THANK YOU!!"). A positive label can win
    /// with a third of the vote when the three readings are close, and then it is as often wrong as right: of the
    /// support dev texts read as positive below one half, 6 of 13 were praise (train: 7 of 18), against 236 of 294 at or
    /// above it. "I've had enough of this company" read positive at 0.37; "Glad to hear it!" to an angry customer is the
    /// worst reply the chat can give.
    /// </summary>
    public bool IsSurePraise => Label == Labels.Positive && Probabilities[Labels.Positive] >= Sure;

    /// <summary>Whether P(frustrated) is at least <see cref="Sure"/>, whatever the label: a complaint no phrase of
    /// relief outweighs ("phew, it arrived, but the screen is cracked"; see <c>EscalationPolicy.EndsTheMatter</c>).</summary>
    public bool IsSureComplaint => Probabilities[Labels.Frustrated] >= Sure;

    /// <summary>The probability from which a reading is sure: more likely than not.</summary>
    public const float Sure = 0.5f;
}

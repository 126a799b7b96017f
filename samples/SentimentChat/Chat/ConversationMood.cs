using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Chat;

/// <summary>
/// The conversation's mood over turns: a running score (frustration pulls it down, positivity up) and how many of
/// the recent turns were frustrated, which is what decides when to offer a human.
/// </summary>
public sealed class ConversationMood
{
    private readonly List<int> _labels = [];

    /// <summary>Turns so far.</summary>
    public int Turns => _labels.Count;

    /// <summary>Exponentially weighted P(positive) - P(frustrated), in [-1, 1]; recent turns weigh more (factor 0.6).</summary>
    public double Score { get; private set; }

    /// <summary>Frustrated turns in a row, counting back from the last.</summary>
    public int FrustratedStreak { get; private set; }

    /// <summary>Frustrated turns among the last three.</summary>
    public int RecentFrustrated => _labels.TakeLast(3).Count(l => l == Labels.Frustrated);

    /// <summary>Whether to offer a human agent: frustration twice among the last three turns.</summary>
    public bool ShouldOfferEscalation => RecentFrustrated >= 2;

    /// <summary>A one-word description for prompts and the status line.</summary>
    public string Description => Score switch
    {
        < -0.5 => "very frustrated",
        < -0.15 => "frustrated",
        > 0.3 => "happy",
        _ => "neutral",
    };

    /// <summary>Adds a classified turn.</summary>
    public void Add(Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        _labels.Add(prediction.Label);
        double turn = prediction.Probabilities[Labels.Positive] - prediction.Probabilities[Labels.Frustrated];
        Score = Turns == 1 ? turn : 0.4 * Score + 0.6 * turn;
        FrustratedStreak = prediction.Label == Labels.Frustrated ? FrustratedStreak + 1 : 0;
    }
}

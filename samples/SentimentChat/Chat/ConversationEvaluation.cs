using ParameterKit.Training.Metrics;
using SentimentChat.Model;

namespace SentimentChat.Chat;

/// <summary>
/// Replays labelled conversations through the classifier and <see cref="EscalationPolicy"/>, as the chat would:
/// every customer turn is classified, the policy decides after each, and the first offer is compared with the turn
/// the human was due.
/// </summary>
/// <param name="Turns">Per-turn classification (rows actual, columns predicted).</param>
/// <param name="Escalation">The first offers against the due turns.</param>
/// <param name="FirstOffers">Each conversation's id, due turn and first offer, in file order.</param>
public sealed record ConversationEvaluation(ConfusionMatrix Turns, EscalationScore Escalation, IReadOnlyList<(string Id, int? Due, int? FirstOffer)> FirstOffers)
{
    /// <summary>Runs the conversations.</summary>
    /// <param name="conversations">The labelled conversations.</param>
    /// <param name="classify">The classifier (a trained model's <c>Classify</c>, or a stand-in in tests).</param>
    /// <param name="settings">The policy's knobs (its defaults when null).</param>
    public static ConversationEvaluation Run(IReadOnlyList<LabeledConversation> conversations, Func<string, Prediction> classify, EscalationPolicy.Settings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        ArgumentNullException.ThrowIfNull(classify);
        var matrix = new ConfusionMatrix(3);
        var offers = new List<(string, int?, int?)>(conversations.Count);
        foreach (var conversation in conversations)
        {
            var policy = new EscalationPolicy(settings);
            foreach (var turn in conversation.Turns)
            {
                var prediction = classify(turn.Text);
                matrix.Add(turn.Label, prediction.Label);
                policy.Observe(turn.Text, prediction);
            }
            offers.Add((conversation.Id, conversation.EscalateAt, policy.FirstOffer));
        }
        var score = EscalationScore.Compute(offers.Select(o => (o.Item2, o.Item3)));
        return new ConversationEvaluation(matrix, score, offers);
    }
}

using System.Text.Json;

namespace SentimentChat.Chat;

/// <summary>
/// How well the first offers of a human match the turns they were due, over a set of conversations. A conversation
/// is correct when its first offer comes within one turn of the due turn K (K-1, K or K+1), or when no offer is made
/// and none was due. A false escalation is an offer where none was due or more than one turn early; a miss is a
/// conversation that needed an offer and had none by turn K+1 (an offer at K+2 or later came too late and counts as
/// missed). Every conversation is exactly one of correct, false escalation or missed. The false escalations split
/// into needless offers (none was due: the "no offer in more than 1 in 10 of the conversations that need none" goal
/// counts these, over <see cref="NoneDue"/>) and offers more than a turn early.
/// </summary>
/// <param name="Conversations">How many conversations were scored.</param>
/// <param name="Correct">Conversations whose first offer was on time (or rightly absent).</param>
/// <param name="FalseEscalations">Conversations with an offer where none was due or more than one turn early.</param>
/// <param name="Missed">Conversations that needed an offer and had none by turn K+1.</param>
/// <param name="NoneDue">Conversations that need no offer at all (K is null).</param>
/// <param name="NeedlessOffers">Of <paramref name="NoneDue"/>, those with an offer.</param>
public sealed record EscalationScore(int Conversations, int Correct, int FalseEscalations, int Missed, int NoneDue, int NeedlessOffers)
{
    /// <summary>Correct conversations over all conversations (0 when there are none).</summary>
    public double Accuracy => Conversations == 0 ? 0 : (double)Correct / Conversations;

    /// <summary>Whether a first offer at <paramref name="firstOffer"/> is right for a human due at <paramref name="due"/>.</summary>
    public static bool IsCorrect(int? due, int? firstOffer) =>
        due is int k ? firstOffer is int o && Math.Abs(o - k) <= 1 : firstOffer is null;

    /// <summary>Whether the offer came where none was due, or more than one turn before it was due.</summary>
    public static bool IsFalseEscalation(int? due, int? firstOffer) =>
        firstOffer is int o && (due is not int k || o < k - 1);

    /// <summary>Whether an offer was due and none came by the turn after.</summary>
    public static bool IsMissed(int? due, int? firstOffer) =>
        due is int k && (firstOffer is not int o || o > k + 1);

    /// <summary>Scores pairs of (due turn, first offer), each null for never.</summary>
    public static EscalationScore Compute(IEnumerable<(int? Due, int? FirstOffer)> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        int n = 0, correct = 0, falseEscalations = 0, missed = 0, noneDue = 0, needless = 0;
        foreach (var (due, offer) in outcomes)
        {
            n++;
            correct += IsCorrect(due, offer) ? 1 : 0;
            falseEscalations += IsFalseEscalation(due, offer) ? 1 : 0;
            missed += IsMissed(due, offer) ? 1 : 0;
            noneDue += due is null ? 1 : 0;
            needless += due is null && offer is not null ? 1 : 0;
        }
        return new EscalationScore(n, correct, falseEscalations, missed, noneDue, needless);
    }

    /// <summary>
    /// Writes <c>{"conversations", "accuracy", "false_escalations", "missed", "none_due", "needless_offers"}</c>: the
    /// issue's four fields, then the two the false-offer goal is stated in.
    /// </summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteNumber("conversations", Conversations);
        json.WriteNumber("accuracy", Accuracy);
        json.WriteNumber("false_escalations", FalseEscalations);
        json.WriteNumber("missed", Missed);
        json.WriteNumber("none_due", NoneDue);
        json.WriteNumber("needless_offers", NeedlessOffers);
        json.WriteEndObject();
    }

    /// <summary>One line for people.</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"escalation: accuracy {Accuracy:F4} ({Correct} of {Conversations} conversations offered a human within one turn of when it was due, or rightly never); false escalations {FalseEscalations} (needless: {NeedlessOffers} of the {NoneDue} that need none; the rest more than a turn early); missed {Missed}");
}

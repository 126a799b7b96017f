using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Chat;

/// <summary>
/// The conversation's mood over turns: a running score (frustration pulls it down, positivity up) for prompts and
/// the status line, and the <see cref="EscalationPolicy"/>'s decision after the last turn, which is what decides
/// when to offer a human; and what the replies must remember of the conversation: whether a person was asked for or
/// declined, and whether the customer has given their order number or email (or said they have none).
/// </summary>
/// <param name="policy">The escalation policy for this conversation (a fresh one with default knobs when null).</param>
public sealed class ConversationMood(EscalationPolicy? policy = null)
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

    /// <summary>The policy that decides when to offer a human.</summary>
    public EscalationPolicy Policy { get; } = policy ?? new EscalationPolicy();

    /// <summary>Why to offer a human after the last turn, or <see cref="EscalationReason.None"/>.</summary>
    public EscalationReason Escalation => Policy.Last;

    /// <summary>Whether to offer a human agent now (the <see cref="EscalationPolicy"/> decided so after the last turn).</summary>
    public bool ShouldOfferEscalation => Escalation != EscalationReason.None;

    /// <summary>
    /// How the last message answered the offer of a human made after the turn before it: a plain "yes" or "no thanks"
    /// is an answer to that question, not a new message to file or apologise for. A request for a person while an offer
    /// stands (<see cref="OfferStanding"/>) is a yes too.
    /// </summary>
    public OfferAnswer OfferAnswer { get; private set; }

    /// <summary>
    /// Whether the last message asked for a person: a yes to the offer made after the turn before it, or a request for
    /// one while an offer stands (an offer is made, and so answered, only while nobody has been asked for).
    /// </summary>
    public bool HandOffNow => OfferAnswer == OfferAnswer.Accepted;

    /// <summary>Whether the customer has asked for a person in this conversation (<see cref="HandOffNow"/> once, or
    /// <see cref="AcceptHuman"/>) and has not called it off since (<see cref="HandOffCalledOff"/>).</summary>
    public bool HumanAccepted { get; private set; }

    /// <summary>Whether the customer said no to the offer of a person, or called off a person already asked for; only a
    /// request for one or a threat to leave brings the offer back.</summary>
    public bool HumanDeclined { get; private set; }

    /// <summary>Whether the last message called off the person asked for ("never mind, it's sorted"): the reply says
    /// nobody will join after all.</summary>
    public bool HandOffCalledOff { get; private set; }

    /// <summary>Whether the customer has given an order number, reference or email in this conversation.</summary>
    public bool DetailsGiven { get; private set; }

    /// <summary>
    /// Whether the last message answered the reply's question for an order number or email (<see cref="AskedForDetails"/>)
    /// by saying there is none to give ("no", "I don't have it": <see cref="DetailsRefusals"/>): it is no goodbye, and the
    /// reply carries on without them.
    /// </summary>
    public bool DetailsRefusedNow { get; private set; }

    /// <summary>Whether the customer has said, in this conversation, that they have no order number or email to give
    /// (<see cref="DetailsRefusedNow"/> once): replies stop asking for them.</summary>
    public bool DetailsRefused { get; private set; }

    /// <summary>
    /// The reply to the message before this one, as its generator noted it (<see cref="NoteReply"/>), or null: the
    /// template replies say the same thing in other words rather than repeat it word for word, which reads as a machine
    /// that did not listen.
    /// </summary>
    public string? LastReply { get; private set; }

    /// <summary>Records the reply just given to the last message (<see cref="LastReply"/> once the next message is added).</summary>
    /// <param name="reply">The reply's text.</param>
    public void NoteReply(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        _reply = reply;
    }

    private string? _reply;

    private bool _detailsAsked;

    /// <summary>
    /// Records that the reply to the last message asked for an order number or email, so a short "no" or "I don't have
    /// it" in the next message answers that question (<see cref="DetailsRefusedNow"/>). Reply generators that ask call it.
    /// </summary>
    public void AskedForDetails() => _detailsAsked = true;

    /// <summary>
    /// Whether the reply should offer a person now: the <see cref="EscalationPolicy"/> says so, nobody has been asked
    /// for yet, and the customer has not declined (unless they now ask for one or threaten to leave). <see cref="ShouldOfferEscalation"/>
    /// is the policy's decision alone, as the conversation evaluation measures it.
    /// </summary>
    public bool OfferHuman =>
        ShouldOfferEscalation && !HumanAccepted
        && !(HumanDeclined && Escalation is not (EscalationReason.ThreatToLeave or EscalationReason.PersonRequested));

    /// <summary>Whether the reply before this one offered a person too, and this message did not answer it.</summary>
    public bool OfferRepeated { get; private set; }

    /// <summary>
    /// Whether an offer of a person still stands after the last message: one was made after this turn or an earlier
    /// one, and since then nobody was asked for, the customer did not say no, and wrote no thankful turn. A customer who
    /// answers the bot's next question instead of the offer ("it's order 4471") has not turned it down: the web chat keeps
    /// its "Talk to a person" button while the offer stands. A plain yes or no counts only right after the offer; a
    /// request for a person counts as a yes as long as the offer stands.
    /// </summary>
    public bool OfferStanding => _offerStands && !HumanAccepted;

    private bool _offerStands;

    /// <summary>Records that the customer asked for a person some other way (the web chat's "Talk to a person" button), so replies stop offering one.</summary>
    public void AcceptHuman() => HumanAccepted = true;

    /// <summary>A one-word description for prompts and the status line.</summary>
    public string Description => Score switch
    {
        < -0.5 => "very frustrated",
        < -0.15 => "frustrated",
        > 0.3 => "happy",
        _ => "neutral",
    };

    /// <summary>Adds a classified turn with its text, so the policy reads requests, threats and tone as well.</summary>
    public void Add(string message, Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(prediction);
        // Read before the policy moves on: the offer being answered is the one made after the previous turn.
        bool offered = OfferHuman, standing = OfferStanding;
        HandOffCalledOff = HumanAccepted && HandOffCallOff.CallsOff(message);
        if (HandOffCalledOff)
        {
            HumanAccepted = false;
            HumanDeclined = true;
        }
        OfferAnswer = offered ? OfferAnswers.Read(message) : OfferAnswer.None;
        HumanDeclined |= OfferAnswer == OfferAnswer.Declined;
        bool mentioned = CustomerDetails.Mentioned(message);
        DetailsGiven |= mentioned;
        // A "no" answers the offer of a person first, when one was made with the question.
        DetailsRefusedNow = _detailsAsked && OfferAnswer == OfferAnswer.None && !mentioned && DetailsRefusals.Reads(message);
        DetailsRefused |= DetailsRefusedNow;
        _detailsAsked = false;
        LastReply = _reply;
        _reply = null;
        _labels.Add(prediction.Label);
        double turn = prediction.Probabilities[Labels.Positive] - prediction.Probabilities[Labels.Frustrated];
        Score = Turns == 1 ? turn : 0.4 * Score + 0.6 * turn;
        FrustratedStreak = prediction.Label == Labels.Frustrated ? FrustratedStreak + 1 : 0;
        Policy.Observe(message, prediction);
        // A request for a person while the offer of one stands is a yes in other words ("this is ridiculous, I want a
        // manager" after "Would you like me to connect you ...?"): asking the same question again would make the
        // customer ask a third time. A request with no offer standing is confirmed first (the reply offers a person):
        // the policy reads a request from phrases, and a granted one is withdrawn only when the customer calls it off.
        if (standing && OfferAnswer == OfferAnswer.None && Policy.Last == EscalationReason.PersonRequested)
        {
            OfferAnswer = OfferAnswer.Accepted;
        }
        HumanAccepted |= HandOffNow;
        OfferRepeated = offered && OfferHuman;
        // Said no to this offer, not to an earlier one: a request or a threat after a "no" brings an offer that stands too.
        _offerStands = OfferHuman
            || (_offerStands && OfferAnswer != OfferAnswer.Declined && !HandOffCalledOff && !prediction.IsSurePraise
                && !EscalationPhrases.Relieved(message));
    }
}

using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Chat;

/// <summary>
/// The offline reply generator: no network, no model download. It answers what the customer just did: a yes or no to
/// the offer of a person, a request for one (confirmed with the offer), a greeting or goodbye, a complaint (an apology
/// naming the problem), thanks, or details. It asks for an order number or email only until the conversation has one
/// (<see cref="CustomerDetails"/>) or the customer says there is none, offers a person whenever
/// <see cref="ConversationMood.OfferHuman"/> says so whatever the turn's label, and once a person has been asked for,
/// says they are coming instead of carrying on as if nothing happened. A "no" to the question for the details is taken
/// as "I have none" (<see cref="ConversationMood.DetailsRefusedNow"/>), not as a goodbye.
/// </summary>
public sealed class TemplateReplyGenerator : IReplyGenerator
{
    /// <summary>The sentence that offers a human; tests look for it.</summary>
    public const string EscalationOffer = "Would you like me to connect you with a human agent right now?";

    /// <summary>The reply to a yes to the offer of a person.</summary>
    public const string HandOff =
        "Thank you. I've asked a member of our team to join this conversation; they will see everything you've told me and will be with you shortly.";

    /// <summary>The answer when the customer calls off the person asked for ("never mind, it's sorted").</summary>
    public const string HandOffCalledOff = "No problem, I've let the team know nobody needs to join. Is there anything else I can help with?";

    /// <summary>The question for the details an agent needs, asked until the conversation has them or the customer says
    /// they have none; it says why, since it may be asked more than once.</summary>
    public const string AskForDetails = "Could you tell me your order number or account email? I need one of them to find your order or account.";

    /// <summary>
    /// <see cref="AskForDetails"/> in other words, for the reply right after one that asked and was not answered (a
    /// general question, say; <see cref="Rephrasings"/>): it also tells the customer that "I don't have one" is an answer.
    /// </summary>
    public const string AskForDetailsAgain =
        "To look into this I'll need your order number or account email. If you don't have either, just say so and we'll go on without.";

    /// <summary>The goodbye to a customer whom the escalation policy would offer a person now: it closes and offers.</summary>
    public const string GoodbyeWithOffer =
        "Thank you for contacting us. I'm sorry it isn't sorted yet: if you'd like a person to take over, just say yes. Otherwise, have a good day!";

    /// <summary>The answer when the customer, asked for them, says they have no order number or email.</summary>
    public const string WithoutDetails = "Tell me a bit more about it, and I'll do what I can without them.";

    /// <inheritdoc />
    public Task<string> ReplyAsync(string message, Prediction prediction, ConversationMood mood, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(mood);
        string reply = (mood, SmallTalkOf(message, prediction, mood)) switch
        {
            ({ HandOffNow: true }, _) => HandOff,
            // Asked for the order number, "no" says there is none, not goodbye.
            ({ DetailsRefusedNow: true }, _) => $"That's all right. {(mood.OfferHuman ? Offer(mood) : WithoutDetails)}",
            // A goodbye still closes when the policy would now offer a person ("nope, bye" after two complaints), but
            // says the offer: it stands from this turn on, and a goodbye that hid it would let a later "ok" bring a
            // person the customer was never offered.
            (_, SmallTalkKind.Closing) when mood.OfferHuman => GoodbyeWithOffer,
            (_, SmallTalkKind.Closing) => "Thank you for contacting us. Have a good day!",
            ({ OfferAnswer: OfferAnswer.Declined }, _) => $"All right, I'll keep helping you here. {NextStep(mood)}",
            ({ HandOffCalledOff: true }, _) => HandOffCalledOff,
            ({ HumanAccepted: true }, _) => WhileAPersonComes(prediction),
            ({ Turns: <= 1 }, SmallTalkKind.Greeting) => "Hi! How can I help you today?",
            // "hi?" in the middle of a conversation asks whether anyone is still there.
            (_, SmallTalkKind.Greeting) => $"I'm still here. {(mood.OfferHuman ? EscalationOffer : NextStep(mood))}",
            _ => Reply(message, prediction, mood),
        };
        if (reply == mood.LastReply && Rephrasings.TryGetValue(reply, out string? other))
        {
            reply = other;
        }
        mood.NoteReply(reply);
        return Task.FromResult(reply);
    }

    /// <summary>
    /// The replies a conversation can get twice in a row (general questions the template cannot answer, "ok" and "any
    /// news?" while it works, thanks, messages while a person is on the way), each with the same thing in other words
    /// for the second time; the two forms point at each other, so a third time says it the first way again.
    /// </summary>
    private static readonly Dictionary<string, string> Rephrasings = Pairs(
        (AskForDetails, AskForDetailsAgain),
        (WorkingWithDetails, "I'm still on it with the details you gave; I'll tell you here as soon as I know more."),
        (WorkingWithoutDetails, "I'm still on it; I'll tell you here as soon as I know more."),
        (AnythingElse, "You're welcome! Is there anything else I can do for you?"),
        (GladItIsSorted, "Good to hear it's sorted. Is there anything else I can do for you?"),
        (PersonComing, "They're on their way, and they'll see anything you add here."),
        (PersonComingAfterWait, "I know you've waited; a member of our team is on the way and will see everything here."));

    private static Dictionary<string, string> Pairs(params (string First, string Second)[] pairs)
    {
        var both = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (first, second) in pairs)
        {
            both.Add(first, second);
            both.Add(second, first);
        }
        return both;
    }

    /// <summary>
    /// A goodbye closes whatever the label ("nope, bye" can read as borderline frustrated); a greeting is one only when
    /// the message is not a complaint ("hello??" after an hour on hold).
    /// </summary>
    private static SmallTalkKind SmallTalkOf(string message, Prediction prediction, ConversationMood mood)
    {
        var kind = SmallTalk.Read(message, answeringOffer: mood.OfferAnswer != OfferAnswer.None);
        return kind == SmallTalkKind.Greeting && prediction.Label == Labels.Frustrated ? SmallTalkKind.None : kind;
    }

    private static string Reply(string message, Prediction prediction, ConversationMood mood) =>
        prediction.Label switch
        {
            // Asked for a person with no offer standing: confirmed with the offer, since the request is read from phrases.
            // (With an offer standing, the mood takes the request as a yes, and HandOffNow answered above.)
            _ when mood.OfferHuman && mood.Escalation == EscalationReason.PersonRequested => $"Of course. {EscalationOffer}",
            // "Phew, it just turned up. I was fuming this morning": the matter is over, and the anger it recalls is no new
            // complaint. ("Found it, it's order 4471" gives the details asked for: noted below.)
            _ when !mood.OfferHuman && EscalationPolicy.EndsTheMatter(message, prediction) && !CustomerDetails.Mentioned(message) => GladItIsSorted,
            // A second complaint in a row gets no word-for-word copy of the first reply: same promise, other words.
            Labels.Frustrated when !mood.OfferHuman && mood.FrustratedStreak % 2 == 0 => $"I hear you. {FixStepAgain(mood)}",
            Labels.Frustrated => $"{ProblemWords.Apology(message) ?? "I'm sorry, that sounds frustrating."} {(mood.OfferHuman ? Offer(mood) : FixStep(mood))}",
            _ when mood.OfferHuman => $"I'm sorry you've had to chase this. {Offer(mood)}",
            Labels.Positive when !prediction.IsSurePraise => Neutral(message, mood),
            Labels.Positive when message.Contains('?') => $"Happy to help. {NextStep(mood)}",
            Labels.Positive => AnythingElse,
            _ => Neutral(message, mood),
        };

    /// <summary>The reply to a message that neither complains nor surely praises: the details noted, or the next step.</summary>
    private static string Neutral(string message, ConversationMood mood) =>
        CustomerDetails.Mentioned(message) ? "Thanks, that's what I need. I'm looking into it now." : NextStep(mood);


    /// <summary>After a complaint: a promise when the details are in hand (or there are none to give), else the question for them.</summary>
    private static string FixStep(ConversationMood mood) => ByDetails(mood,
        given: "I'll fix this as fast as I can.",
        refused: "I'll do what I can with what you've told me.",
        question: "Tell me your order number or account email and I'll look into it right away.");

    /// <summary>The promise of <see cref="FixStep"/> in other words, for the complaint right after one it answered.</summary>
    private static string FixStepAgain(ConversationMood mood) => ByDetails(mood,
        given: "I'm working on it with the details you gave, and I'll update you here as soon as I can.",
        refused: "I'm working on it with what you've told me, and I'll update you here as soon as I can.",
        question: "I can start on it as soon as I have your order number or account email.");

    /// <summary>What happens next when the customer has not complained: the work, or the question for the details (the mood has read this message too).</summary>
    private static string NextStep(ConversationMood mood) =>
        ByDetails(mood, given: WorkingWithDetails, refused: WorkingWithoutDetails, question: AskForDetails);

    /// <summary>
    /// The reply for where the details stand: in hand, said to be none, or still to ask for. A reply that asks is noted on
    /// the mood, so a "no" next reads as "I have none".
    /// </summary>
    private static string ByDetails(ConversationMood mood, string given, string refused, string question)
    {
        if (mood.DetailsGiven)
        {
            return given;
        }
        if (mood.DetailsRefused)
        {
            return refused;
        }
        mood.AskedForDetails();
        return question;
    }

    /// <summary>The offer of a person; said more briefly when the last reply made it and the customer went on.</summary>
    private static string Offer(ConversationMood mood) =>
        mood.OfferRepeated ? "If you'd like a person to take over, just say yes." : EscalationOffer;

    /// <summary>Once a person has been asked for, every reply says they are on the way.</summary>
    private static string WhileAPersonComes(Prediction prediction) => prediction.Label switch
    {
        Labels.Frustrated => PersonComingAfterWait,
        Labels.Positive when prediction.IsSurePraise => "Glad to hear it. A member of our team will be with you shortly.",
        _ => PersonComing,
    };

    // The replies Rephrasings says in other words when one would come twice in a row: named once, so each key is the
    // very string the reply gives.
    private const string WorkingWithDetails = "I'm looking into it with the details you gave, and I'll update you here.";

    private const string WorkingWithoutDetails = "I'm looking into it with what you've told me, and I'll update you here.";

    private const string AnythingElse = "Glad to hear it! Anything else I can help with?";

    private const string GladItIsSorted = "Glad it's sorted! Anything else I can help with?";

    private const string PersonComing =
        "A member of our team has been asked to join and will be with you shortly; they will see everything you've written here.";

    private const string PersonComingAfterWait = "I'm sorry for the wait. A member of our team has been asked to join and will be with you shortly.";
}

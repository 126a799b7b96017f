namespace SentimentChat.Chat;

/// <summary>Why <see cref="EscalationPolicy"/> offers a human after a customer turn (the first rule that holds).</summary>
public enum EscalationReason
{
    /// <summary>No rule holds: the bot carries on.</summary>
    None,

    /// <summary>The customer asked for a person, manager, supervisor or a call.</summary>
    PersonRequested,

    /// <summary>The customer threatened to leave, cancel in anger, charge back, sue, review or report the company.</summary>
    ThreatToLeave,

    /// <summary>The turn says this is a repeated contact ("third time", "already called", "nobody ever answers").</summary>
    RepeatedContact,

    /// <summary>Caps, "!!"/"??" or exasperated words after an earlier frustrated turn.</summary>
    EscalatingTone,

    /// <summary>Frustration that the bot's answers did not resolve (see <see cref="EscalationPolicy.Settings"/>).</summary>
    SustainedFrustration,
}

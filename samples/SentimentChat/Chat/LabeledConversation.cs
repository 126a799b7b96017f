using SentimentChat.Text;

namespace SentimentChat.Chat;

/// <summary>A customer's side of one support conversation, labelled per turn, with the turn a human is due.</summary>
/// <param name="Id">The conversation's id in its file.</param>
/// <param name="Turns">The customer's messages with their labels, in order (the bot's answers are not listed).</param>
/// <param name="EscalateAt">The 0-based customer turn after which a human should be offered, or null for never.</param>
public sealed record LabeledConversation(string Id, IReadOnlyList<LabeledText> Turns, int? EscalateAt);

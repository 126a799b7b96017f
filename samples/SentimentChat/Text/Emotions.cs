namespace SentimentChat.Text;

/// <summary>
/// GoEmotions' 28 fine-grained labels (27 emotions and neutral), in the dataset's id order. The classifier predicts
/// them as auxiliary targets: "annoyance" and "disappointment" teach finer distinctions than the three classes alone.
/// </summary>
public static class Emotions
{
    /// <summary>The names, by id.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion", "curiosity", "desire",
        "disappointment", "disapproval", "disgust", "embarrassment", "excitement", "fear", "gratitude", "grief", "joy",
        "love", "nervousness", "optimism", "pride", "realization", "relief", "remorse", "sadness", "surprise", "neutral",
    ];

    /// <summary>How many there are.</summary>
    public static int Count => Names.Count;

    /// <summary>Ids mapped to <c>frustrated</c>: anger, annoyance, disappointment, disapproval, disgust.</summary>
    public static IReadOnlySet<int> Frustrated { get; } = new HashSet<int> { 2, 3, 9, 10, 11 };

    /// <summary>Ids mapped to <c>positive</c> (GoEmotions' own positive group).</summary>
    public static IReadOnlySet<int> Positive { get; } = new HashSet<int> { 0, 1, 4, 5, 8, 13, 15, 17, 18, 20, 21, 23 };

    /// <summary>The three-way label of a set of emotion ids (the mapping of Data/goemotions-frustration/NOTICE.md).</summary>
    public static int Label(uint mask)
    {
        for (int id = 0; id < Count; id++)
        {
            if ((mask >> id & 1) != 0 && Frustrated.Contains(id))
            {
                return Labels.Frustrated;
            }
        }
        for (int id = 0; id < Count; id++)
        {
            if ((mask >> id & 1) != 0 && Positive.Contains(id))
            {
                return Labels.Positive;
            }
        }
        return Labels.Other;
    }
}

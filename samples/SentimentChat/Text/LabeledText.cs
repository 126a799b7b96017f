namespace SentimentChat.Text;

/// <summary>One labelled message.</summary>
/// <param name="Text">The message.</param>
/// <param name="Label">The class index into <see cref="Labels.Names"/>.</param>
/// <param name="Emotions">GoEmotions' fine-grained labels as a bit mask over <see cref="Text.Emotions.Names"/>, or 0 when the source has none.</param>
public readonly record struct LabeledText(string Text, int Label, uint Emotions = 0);

/// <summary>The three classes the chat distinguishes, in the order of the model's outputs.</summary>
public static class Labels
{
    /// <summary>Index of <c>frustrated</c>.</summary>
    public const int Frustrated = 0;

    /// <summary>Index of <c>positive</c>.</summary>
    public const int Positive = 1;

    /// <summary>Index of <c>other</c>.</summary>
    public const int Other = 2;

    /// <summary>Class names, by index.</summary>
    public static IReadOnlyList<string> Names { get; } = ["frustrated", "positive", "other"];

    /// <summary>The index of <paramref name="name"/>, or -1.</summary>
    public static int IndexOf(string name) => name switch
    {
        "frustrated" => Frustrated,
        "positive" => Positive,
        "other" => Other,
        _ => -1,
    };
}

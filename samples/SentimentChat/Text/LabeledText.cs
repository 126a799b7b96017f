namespace SentimentChat.Text;

/// <summary>One labelled message.</summary>
/// <param name="Text">The message.</param>
/// <param name="Label">The class index into <see cref="Labels.Names"/>.</param>
/// <param name="IsSupport">Whether it comes from the customer-service corpus (dev scores are reported per source).</param>
public readonly record struct LabeledText(string Text, int Label, bool IsSupport = false);

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

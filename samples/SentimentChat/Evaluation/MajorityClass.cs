using ParameterKit.Training.Metrics;
using SentimentChat.Text;

namespace SentimentChat.Evaluation;

/// <summary>The floor every model must clear: always answer the class most common in training.</summary>
public sealed class MajorityClass : IBaseline
{
    private readonly int _label;

    /// <summary>Counts the training labels.</summary>
    public MajorityClass(IReadOnlyList<LabeledText> training)
    {
        ArgumentNullException.ThrowIfNull(training);
        var counts = new int[Labels.Names.Count];
        foreach (var text in training)
        {
            counts[text.Label]++;
        }
        _label = Array.IndexOf(counts, counts.Max());
    }

    /// <inheritdoc />
    public string Name => $"majority class ({Labels.Names[_label]})";

    /// <inheritdoc />
    public ConfusionMatrix Score(IReadOnlyList<LabeledText> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var matrix = new ConfusionMatrix(Labels.Names.Count);
        foreach (var text in texts)
        {
            matrix.Add(text.Label, _label);
        }
        return matrix;
    }
}

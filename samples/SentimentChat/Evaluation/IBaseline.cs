using ParameterKit.Training.Metrics;
using SentimentChat.Text;

namespace SentimentChat.Evaluation;

/// <summary>A trained reference model the classifier is compared with in <c>evaluate --baseline</c>.</summary>
public interface IBaseline
{
    /// <summary>What it is, for reports.</summary>
    string Name { get; }

    /// <summary>The confusion matrix of its (argmax) decisions on labelled texts.</summary>
    ConfusionMatrix Score(IReadOnlyList<LabeledText> texts);
}

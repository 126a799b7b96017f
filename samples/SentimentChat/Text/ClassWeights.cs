namespace SentimentChat.Text;

/// <summary>Class weights for a loss from the training labels.</summary>
public static class ClassWeights
{
    /// <summary>w_c = N / (3·n_c): each class contributes equally to the loss, however rare.</summary>
    /// <param name="labels">The N training labels.</param>
    public static float[] InverseFrequency(IReadOnlyCollection<int> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var counts = new double[Labels.Names.Count];
        foreach (int label in labels)
        {
            counts[label]++;
        }
        return counts.Select(n => (float)(labels.Count / (counts.Length * Math.Max(n, 1)))).ToArray();
    }
}

namespace ParameterKit.Modules;

/// <summary>How <see cref="EmbeddingLayer.ForwardPooled"/> combines the T embeddings of a bag into one vector.</summary>
public enum Pooling
{
    /// <summary>The average over the bag's non-padding tokens.</summary>
    Mean = 0,
    /// <summary>The sum over the bag's non-padding tokens.</summary>
    Sum = 1,
}

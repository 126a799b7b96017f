namespace ParameterKit.Tensors;

/// <summary>
/// A shape that cannot exist or makes no sense where it is used: a negative dimension, an element count that
/// overflows, or a zero-sized dimension where a parameter needs at least one element.
/// </summary>
public sealed class InvalidShapeException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="path"/> (if known) and the offending dimensions.</summary>
    /// <param name="path">The parameter or tensor path, or <see langword="null"/> when not yet known.</param>
    /// <param name="dimensions">The dimensions that were rejected.</param>
    /// <param name="reason">Why they were rejected.</param>
    public InvalidShapeException(string? path, ReadOnlySpan<int> dimensions, string reason)
        : base(path is null
            ? $"Invalid shape {Shape.Format(dimensions)}: {reason}."
            : $"Invalid shape {Shape.Format(dimensions)} for '{path}': {reason}.")
    {
        Path = path;
        Dimensions = dimensions.ToArray();
    }

    /// <summary>The parameter or tensor path, when known.</summary>
    public string? Path { get; }

    /// <summary>The rejected dimensions.</summary>
    public IReadOnlyList<int> Dimensions { get; }
}

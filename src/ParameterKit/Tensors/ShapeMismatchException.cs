namespace ParameterKit.Tensors;

/// <summary>
/// Two shapes that must agree do not: a Linear whose input width differs from its Weight, a checkpoint tensor
/// whose shape differs from the declared parameter, a buffer of the wrong length.
/// The message always names the path and both shapes.
/// </summary>
public sealed class ShapeMismatchException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The parameter, module or tensor path the mismatch is about.</param>
    /// <param name="expected">The shape that was required.</param>
    /// <param name="actual">The shape that was given.</param>
    /// <param name="detail">Optional extra explanation (which argument, which dimension).</param>
    public ShapeMismatchException(string path, Shape expected, Shape actual, string? detail = null)
        : base($"Shape mismatch at '{path}': expected {expected}, got {actual}" + (detail is null ? "." : $" ({detail})."))
    {
        Path = path;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The path the mismatch is about.</summary>
    public string Path { get; }

    /// <summary>The shape that was required.</summary>
    public Shape Expected { get; }

    /// <summary>The shape that was given.</summary>
    public Shape Actual { get; }
}

namespace ParameterKit.Counting;

/// <summary>One line of a <see cref="ModelSummary"/>: a module (or name prefix) and everything below it.</summary>
/// <param name="Path">The dotted path, for example <c>h.0.attn</c>.</param>
/// <param name="TypeName">The module type registered at that path, or empty for a plain name prefix.</param>
/// <param name="Depth">Number of path segments (1 for <c>wte</c>, 3 for <c>h.0.attn</c>).</param>
/// <param name="OwnShapes">Shapes of the parameters declared directly at this path, for example <c>[2304, 768], [2304]</c>.</param>
/// <param name="Counts">Counts of every parameter below the path.</param>
public sealed record SummaryRow(string Path, string TypeName, int Depth, string OwnShapes, ParameterCounts Counts);

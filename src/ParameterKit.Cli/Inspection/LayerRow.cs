namespace ParameterKit.Cli.Inspection;

/// <summary>
/// One row of the by-layer breakdown: a module, one block, or a folded run of identical blocks.
/// </summary>
/// <param name="Label">What to print: <c>wte</c>, <c>h.5</c> or <c>h.0 .. h.11</c>.</param>
/// <param name="Group">The module path or block family (<c>h</c>, <c>model.layers</c>).</param>
/// <param name="First">The first block index of the run, or null for a plain module.</param>
/// <param name="Last">The last block index of the run, or null for a plain module.</param>
/// <param name="Repeats">How many blocks the row stands for (1 for a module).</param>
/// <param name="Each">Parameters in one block (or in the module).</param>
internal sealed record LayerRow(string Label, string Group, long? First, long? Last, int Repeats, long Each)
{
    /// <summary>Parameters the row stands for in total.</summary>
    public long Total => checked(Each * Repeats);
}

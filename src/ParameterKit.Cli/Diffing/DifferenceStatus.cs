namespace ParameterKit.Cli.Diffing;

/// <summary>How a tensor differs between checkpoint A and checkpoint B.</summary>
internal enum DifferenceStatus
{
    /// <summary>Same dtype, shape and bytes.</summary>
    Unchanged,
    /// <summary>Same shape, different values (or a different dtype).</summary>
    Changed,
    /// <summary>A different shape: values are not comparable element by element.</summary>
    Reshaped,
    /// <summary>Only in B.</summary>
    Added,
    /// <summary>Only in A.</summary>
    Removed,
}

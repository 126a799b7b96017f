namespace ParameterKit.Parameters;

/// <summary>
/// A parameter's values or gradients were used before <see cref="ParameterStore.Materialize(ulong)"/> allocated
/// them. Declaring a model only records names, kinds and shapes, which is what lets it be counted for free.
/// </summary>
public sealed class ParameterNotMaterializedException : InvalidOperationException
{
    /// <summary>Creates the exception for the parameter at <paramref name="path"/>.</summary>
    /// <param name="path">The parameter's full dotted name.</param>
    public ParameterNotMaterializedException(string path)
        : base($"Parameter '{path}' has no values yet: call ParameterStore.Materialize(seed) after declaring the model and before using its values or gradients.")
    {
        Path = path;
    }

    /// <summary>The parameter's full dotted name.</summary>
    public string Path { get; }
}

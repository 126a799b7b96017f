namespace ParameterKit.Parameters;

/// <summary>
/// A parameter or scope name that cannot be used: empty, containing characters outside
/// <c>[A-Za-z0-9_-]</c> (the dot is the path separator and is added by scopes), or already declared.
/// </summary>
public sealed class ParameterNameException : ArgumentException
{
    /// <summary>Creates the exception for the offending path.</summary>
    /// <param name="path">The full dotted path (or the scope prefix plus the rejected segment).</param>
    /// <param name="reason">Why the name was rejected.</param>
    public ParameterNameException(string path, string reason)
        : base($"Invalid parameter name '{path}': {reason}.")
    {
        Path = path;
    }

    /// <summary>The offending path.</summary>
    public string Path { get; }
}

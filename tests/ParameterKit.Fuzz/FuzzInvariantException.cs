namespace ParameterKit.Fuzz;

/// <summary>An accepted input broke an invariant a reader promises (a tensor found under its own name, a view of its stated length).</summary>
public sealed class FuzzInvariantException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FuzzInvariantException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was expected and what was found.</param>
    public FuzzInvariantException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What was expected and what was found.</param>
    /// <param name="innerException">The cause.</param>
    public FuzzInvariantException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

using ParameterKit.CommandLine;

namespace ParameterKit.Cli;

/// <summary>
/// A failure the user can act on, reported as one line (and, with <c>--json</c>, as
/// <c>{"error": {"kind": ..., "message": ...}}</c>) with the exit code its kind implies.
/// </summary>
/// <remarks>
/// The <see cref="Kind"/> is a stable, machine-readable word (<c>NotFound</c>, <c>Unreachable</c>,
/// <c>RangeNotSupported</c>, <c>InvalidConfig</c>, <c>Usage</c>, ...) so scripts need not match messages.
/// </remarks>
internal sealed class CliException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">A stable word naming the failure.</param>
    /// <param name="message">One line saying what went wrong and, where possible, what to do.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public CliException(string kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>A stable word naming the failure, for <c>--json</c> output.</summary>
    public string Kind { get; }

    /// <summary>
    /// <see cref="ExitCodes.Rejected"/> (2) when the command line or the input was refused (<c>Usage</c>,
    /// <c>InvalidConfig</c>, <c>InvalidIndex</c>, <c>InvalidInput</c>); <see cref="ExitCodes.Failure"/> (1) for
    /// everything else (a missing file, an unreachable server).
    /// </summary>
    public int ExitCode => Kind is "Usage" or "InvalidConfig" or "InvalidIndex" or "InvalidInput" ? ExitCodes.Rejected : ExitCodes.Failure;
}

using ParameterKit.CommandLine;

namespace SentimentChat.Commands;

/// <summary>
/// A failure the user can act on, reported as one line (with <c>--json</c>: <c>{"error":{"kind","message"}}</c> on
/// standard error) and ending the command with <see cref="ExitCode"/>.
/// </summary>
/// <param name="kind">A stable word scripts can match: <c>Usage</c>, <c>InvalidInput</c>, <c>NotFound</c>, ...</param>
/// <param name="message">One line: what is wrong and, where possible, what to do.</param>
/// <param name="exitCode">See <see cref="ExitCodes"/>.</param>
/// <param name="inner">The underlying error, shown with <c>--verbose</c>.</param>
public sealed class CommandException(string kind, string message, int exitCode = ExitCodes.Rejected, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>A stable word naming the failure.</summary>
    public string Kind { get; } = kind;

    /// <summary>The process exit code this failure ends with.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>Bad input the user gave (exit 2).</summary>
    public static CommandException InvalidInput(string message) => new("InvalidInput", message);
}

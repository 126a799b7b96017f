namespace SentimentChat.Commands;

/// <summary>
/// The process exit codes, the sample's contract with scripts (the same as the <c>parameterkit</c> tool's intent):
/// 0 success, 1 a failure (missing model, unreadable file, unexpected error), 2 bad usage or rejected input.
/// </summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>Something failed that the command line itself did not cause: a missing model, an I/O error, a bug.</summary>
    public const int Failure = 1;

    /// <summary>The command line or its input was rejected: unknown option or command, empty text, a malformed file.</summary>
    public const int Rejected = 2;
}

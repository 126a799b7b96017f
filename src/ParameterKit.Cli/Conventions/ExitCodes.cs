namespace ParameterKit.CommandLine;

/// <summary>
/// The process exit codes every ParameterKit command line shares (the tool and the samples), part of their contract
/// with scripts: 0 success, 1 a failure that is not the input's fault, 2 bad usage or rejected input.
/// </summary>
/// <remarks>
/// This file is linked into the samples (see <c>docs/architecture.md</c>, "Command-line conventions"), so the tool
/// and every sample agree without a shared assembly.
/// </remarks>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>
    /// A failure the input did not cause: a missing file, an unreachable server, an I/O error, an unexpected
    /// exception.
    /// </summary>
    public const int Failure = 1;

    /// <summary>
    /// Bad usage (an unknown or misspelt option, a missing or malformed value) or rejected input (a file the
    /// safetensors reference crate would reject, an invalid config, an absurd size).
    /// </summary>
    public const int Rejected = 2;
}

namespace ParameterKit.Cli;

/// <summary>
/// The process exit codes, part of the tool's contract with scripts: 0 success, 1 bad usage or any other
/// failure, 2 a safetensors file the reference crate would reject (so a script can tell "bad file" from
/// "bad command line" or "network down" without parsing messages).
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>Bad usage, a missing file, an unreachable URL, an invalid config: anything but a rejected file.</summary>
    public const int Error = 1;

    /// <summary>The input is not a valid safetensors file; the error kind is the reference crate's variant.</summary>
    public const int RejectedFile = 2;
}

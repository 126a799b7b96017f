using System.ComponentModel;
using Spectre.Console.Cli;

namespace ParameterKit.Cli.Commands;

/// <summary>
/// Options of the commands whose source may be an http(s) URL (<c>inspect</c>, <c>cost</c>): how long each read may
/// take, and whether a server without range requests may stream the file's start.
/// </summary>
internal class RemoteSourceSettings : CommonSettings
{
    /// <summary>The longest <c>--timeout</c> accepted: one day (HttpClient takes at most 24.8 days, and a day is
    /// already far past any useful wait).</summary>
    public const int MaxTimeoutSeconds = 24 * 60 * 60;

    /// <summary>Stream from servers that ignore range requests.</summary>
    [CommandOption("--allow-download")]
    [Description("For URLs: read the header from a server without range support by streaming the file's start (otherwise an error).")]
    public bool AllowDownload { get; init; }

    /// <summary>Network timeout in seconds.</summary>
    [CommandOption("--timeout <SECONDS>")]
    [Description("For URLs: seconds each read may take, body included (1 to 86400).")]
    [DefaultValue(30)]
    public int TimeoutSeconds { get; init; } = 30;

    /// <summary>The timeout, checked: an out-of-range <c>--timeout</c> is a usage error whatever the source.</summary>
    /// <exception cref="CliException">Out of range (a usage error).</exception>
    public TimeSpan CheckedTimeout() => TimeoutSeconds is > 0 and <= MaxTimeoutSeconds
        ? TimeSpan.FromSeconds(TimeoutSeconds)
        : throw new CliException("Usage", $"--timeout must be between 1 and {MaxTimeoutSeconds} seconds (one day), not {TimeoutSeconds}");
}

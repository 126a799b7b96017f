using System.ComponentModel;
using Spectre.Console.Cli;

namespace ParameterKit.CommandLine;

/// <summary>The options every command of every ParameterKit command line accepts.</summary>
internal class SharedSettings : CommandSettings
{
    /// <summary>On an unexpected failure, print its details (type, message, stack) after the one-line error.</summary>
    [CommandOption("--verbose")]
    [Description("On an unexpected failure, also print its details (for a bug report).")]
    public bool Verbose { get; init; }
}

using System.ComponentModel;
using ParameterKit.CommandLine;
using Spectre.Console.Cli;

namespace ParameterKit.Cli.Commands;

/// <summary>Options every command has.</summary>
internal class CommonSettings : SharedSettings
{
    /// <summary>Print one JSON document for scripts instead of tables.</summary>
    [CommandOption("--json")]
    [Description("Print one JSON document instead of tables; errors go to standard error as {\"error\": {\"kind\", \"message\"}}.")]
    public bool Json { get; init; }
}

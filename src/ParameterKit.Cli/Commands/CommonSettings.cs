using System.ComponentModel;
using Spectre.Console.Cli;

namespace ParameterKit.Cli.Commands;

/// <summary>Options every command has.</summary>
internal class CommonSettings : CommandSettings
{
    /// <summary>Print one JSON document for scripts instead of tables.</summary>
    [CommandOption("--json")]
    [Description("Print one JSON document instead of tables (errors too: {\"error\": {\"kind\", \"message\"}}).")]
    public bool Json { get; init; }
}

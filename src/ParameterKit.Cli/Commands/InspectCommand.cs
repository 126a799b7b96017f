using System.ComponentModel;
using ParameterKit.Cli.Inspection;
using ParameterKit.Cli.Output;
using ParameterKit.Cli.Sources;
using Spectre.Console.Cli;

namespace ParameterKit.Cli.Commands;

/// <summary>
/// <c>parameterkit inspect &lt;source&gt;</c>: explains a checkpoint's parameters from its header alone.
/// </summary>
internal sealed class InspectCommand : CliCommand<InspectCommand.Settings>
{
    /// <summary>Creates the command.</summary>
    public InspectCommand(CliOutput output)
        : base(output)
    {
    }

    /// <summary>The options of <c>inspect</c>.</summary>
    internal sealed class Settings : CommonSettings
    {
        /// <summary>A file, index, folder or URL.</summary>
        [CommandArgument(0, "<source>")]
        [Description("A .safetensors file, a sharded model.safetensors.index.json, a folder holding either, or an http(s) URL of a .safetensors file or index (shard headers read with range requests).")]
        public string Source { get; init; } = "";

        /// <summary>List every tensor in the table output.</summary>
        [CommandOption("--tensors")]
        [Description("Also list every tensor (name, kind, dtype, shape, bytes). --json always lists them.")]
        public bool ListTensors { get; init; }

        /// <summary>Stream from servers that ignore range requests.</summary>
        [CommandOption("--allow-download")]
        [Description("For URLs: read the header from a server without range support by streaming the file's start (otherwise an error).")]
        public bool AllowDownload { get; init; }

        /// <summary>Network timeout in seconds.</summary>
        [CommandOption("--timeout <SECONDS>")]
        [Description("For URLs: seconds to wait for the server.")]
        [DefaultValue(30)]
        public int TimeoutSeconds { get; init; } = 30;
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        if (settings.TimeoutSeconds <= 0)
        {
            throw new CliException("Usage", $"--timeout must be positive, not {settings.TimeoutSeconds}");
        }
        CheckpointHeaders headers = await CheckpointLoader.LoadAsync(settings.Source, settings.AllowDownload,
            TimeSpan.FromSeconds(settings.TimeoutSeconds), cancellationToken).ConfigureAwait(false);
        InspectReport report = InspectReport.Build(headers);
        if (settings.Json)
        {
            Output.Json(InspectJson.Write(report));
        }
        else
        {
            InspectView.Write(Output, report, settings.ListTensors);
        }
        return ExitCodes.Ok;
    }
}

using System.ComponentModel;
using ParameterKit.Cli.Inspection;
using ParameterKit.Cli.Output;
using ParameterKit.Cli.Sources;
using ParameterKit.CommandLine;
using ParameterKit.Gguf;
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
    internal sealed class Settings : RemoteSourceSettings
    {
        /// <summary>A file, index, folder or URL, as typed (a dash-led path after <c>--</c> arrives protected).</summary>
        [CommandArgument(0, "<source>")]
        [Description("A .safetensors file, a sharded model.safetensors.index.json, a .gguf file (llama.cpp), a folder holding one of them, or an http(s) URL of a .safetensors file or index (shard headers read with range requests).")]
        public string Source { get; init => field = DashLedArguments.AsTyped(value); } = "";

        /// <summary>List every tensor in the table output.</summary>
        [CommandOption("--tensors")]
        [Description("Also list every tensor (name, kind, dtype, shape, bytes). --json always lists them.")]
        public bool ListTensors { get; init; }

        /// <summary>Accept an inconsistent sharded index.</summary>
        [CommandOption("--lenient-index")]
        [Description("For a sharded index, local or remote: accept inconsistencies (a tensor in two shards, shard tensors the index does not list, a wrong total_size, repeated keys, trailing data, for a local one a shard symlink leading outside the folder) and list each one, instead of refusing the index.")]
        public bool LenientIndex { get; init; }
    }

    /// <inheritdoc />
    protected override bool HasLenientIndexOption => true;

    /// <inheritdoc />
    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        TimeSpan timeout = settings.CheckedTimeout();
        if (GgufSource.Resolve(settings.Source) is { } gguf)
        {
            using GgufFile file = GgufSource.Open(gguf);
            GgufReport ggufReport = GgufReport.Build(file, settings.Source);
            if (settings.Json)
            {
                Output.Json(w => GgufInspectJson.Write(w, ggufReport));
            }
            else
            {
                GgufInspectView.Write(Output, ggufReport, settings.ListTensors);
            }
            return ExitCodes.Ok;
        }
        CheckpointHeaders headers = await CheckpointLoader.LoadAsync(settings.Source, settings.AllowDownload,
            timeout, cancellationToken, settings.LenientIndex).ConfigureAwait(false);
        InspectReport report = InspectReport.Build(headers);
        if (settings.Json)
        {
            Output.Json(w => InspectJson.Write(w, report));
        }
        else
        {
            InspectView.Write(Output, report, settings.ListTensors);
        }
        return ExitCodes.Ok;
    }
}

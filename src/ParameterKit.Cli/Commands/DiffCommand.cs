using System.ComponentModel;
using System.Text.Json;
using ParameterKit.Cli.Diffing;
using ParameterKit.Cli.Inspection;
using ParameterKit.Cli.Output;
using ParameterKit.Cli.Sources;
using ParameterKit.CommandLine;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;
using Spectre.Console.Cli;

namespace ParameterKit.Cli.Commands;

/// <summary>
/// <c>parameterkit diff &lt;a&gt; &lt;b&gt;</c>: which tensors were added, removed, reshaped or changed between two
/// local checkpoints, with the relative L2 change of each, streaming tensor by tensor.
/// </summary>
internal sealed class DiffCommand : CliCommand<DiffCommand.Settings>
{
    /// <summary>Creates the command.</summary>
    public DiffCommand(CliOutput output)
        : base(output)
    {
    }

    /// <summary>The options of <c>diff</c>.</summary>
    internal sealed class Settings : CommonSettings
    {
        /// <summary>The checkpoint before.</summary>
        [CommandArgument(0, "<a>")]
        [Description("The checkpoint before: a .safetensors file, an index or a folder.")]
        public string A { get; init => field = DashLedArguments.AsTyped(value); } = "";

        /// <summary>The checkpoint after.</summary>
        [CommandArgument(1, "<b>")]
        [Description("The checkpoint after.")]
        public string B { get; init => field = DashLedArguments.AsTyped(value); } = "";

        /// <summary>List unchanged tensors too.</summary>
        [CommandOption("--all")]
        [Description("Also list unchanged tensors in the table (--json always lists every tensor).")]
        public bool All { get; init; }
    }

    /// <inheritdoc />
    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        foreach (string source in new[] { settings.A, settings.B })
        {
            if (GgufSource.Resolve(source) is { } gguf)
            {
                // Read as safetensors, its first eight bytes made a header length of terabytes: say what it is instead.
                throw new CliException("InvalidInput", $"diff compares safetensors checkpoints, and '{gguf}' is a GGUF file (inspect reads it)");
            }
        }
        using SafeTensorsCheckpoint a = SafeTensorsCheckpoint.Open(CheckpointLoader.ResolveLocalPath(settings.A));
        using SafeTensorsCheckpoint b = SafeTensorsCheckpoint.Open(CheckpointLoader.ResolveLocalPath(settings.B));
        // Materialized as a list of small records only; the tensors themselves are streamed one at a time.
        List<TensorDifference> differences = [.. CheckpointDiff.Compare(a, b, cancellationToken)];
        IReadOnlyList<MetadataDifference> metadata = MetadataDifference.Compare(a.Metadata, b.Metadata);
        if (settings.Json)
        {
            Output.Json(w => Json(w, settings, differences, metadata));
            return Task.FromResult(ExitCodes.Ok);
        }

        var counts = Enum.GetValues<DifferenceStatus>().ToDictionary(s => s, s => differences.Count(d => d.Status == s));
        Output.Line($"{settings.A} -> {settings.B}");
        Output.Line(string.Join(", ", counts.Select(c => $"{c.Value} {c.Key.ToString().ToLowerInvariant()}")));
        // One line per tensor rather than a table: names are long and a five-column table wraps them into
        // fragments at a terminal's 80 columns.
        // Capped like inspect's tables: past InspectView.MaxRows lines one line says how many more there are.
        List<TensorDifference> listed = [.. differences.Where(d => settings.All || d.Status != DifferenceStatus.Unchanged)];
        foreach (TensorDifference d in listed.Take(InspectView.MaxRows))
        {
            string change = d.RelativeL2 is { } r ? $", relative L2 {Numbers.Short(r)}, max |B-A| {Numbers.Short(d.MaxAbs ?? 0)}" : "";
            string note = d.Note is null ? "" : $" ({d.Note})";
            Output.Line($"  {d.Status.ToString().ToLowerInvariant(),-9} {d.Name}: {Describe(d)}{change}{note}");
        }
        if (listed.Count > InspectView.MaxRows)
        {
            Output.Line($"  ... {Numbers.Count(listed.Count - InspectView.MaxRows)} more tensors not shown (the first {Numbers.Count(InspectView.MaxRows)} are; --json lists all {Numbers.Count(differences.Count)})");
        }
        var changedMetadata = metadata.Where(m => settings.All || m.Status != DifferenceStatus.Unchanged).ToList();
        Output.Line(changedMetadata.Count == 0 && metadata.Count > 0
            ? $"__metadata__: {metadata.Count} unchanged"
            : metadata.Count == 0 ? "__metadata__: none on either side" : "__metadata__:");
        foreach (MetadataDifference m in changedMetadata.Take(InspectView.MaxRows))
        {
            string values = m.Status switch
            {
                DifferenceStatus.Added => $"'{m.B}'",
                DifferenceStatus.Removed => $"'{m.A}'",
                DifferenceStatus.Changed => $"'{m.A}' -> '{m.B}'",
                _ => $"'{m.A}'",
            };
            Output.Line($"  {m.Status.ToString().ToLowerInvariant(),-9} {m.Key}: {values}");
        }
        if (changedMetadata.Count > InspectView.MaxRows)
        {
            Output.Line($"  ... {Numbers.Count(changedMetadata.Count - InspectView.MaxRows)} more metadata entries not shown (--json lists all)");
        }
        return Task.FromResult(ExitCodes.Ok);
    }

    /// <summary>Both sides at once: <c>F32 [8, 16] -> [16, 16]</c>, <c>F32 -> BF16 [2]</c>, or just <c>F32 [3]</c>.</summary>
    private static string Describe(TensorDifference d)
    {
        SafeTensorInfo? a = d.A, b = d.B;
        if (a is null || b is null)
        {
            SafeTensorInfo only = (a ?? b)!;
            return $"{only.DType.SafeTensorsName()} {only.FormatDimensions()}";
        }
        string dtype = a.DType == b.DType ? a.DType.SafeTensorsName() : $"{a.DType.SafeTensorsName()} -> {b.DType.SafeTensorsName()}";
        string shape = a.FormatDimensions() == b.FormatDimensions() ? a.FormatDimensions() : $"{a.FormatDimensions()} -> {b.FormatDimensions()}";
        return $"{dtype} {shape}";
    }

    /// <summary>How many tensors are written between two flushes of the streaming writer.</summary>
    private const int TensorsPerFlush = 1_000;

    /// <summary>The document, streamed: flushed every <see cref="TensorsPerFlush"/> tensors, never held whole.</summary>
    private static void Json(Utf8JsonWriter w, Settings settings, List<TensorDifference> differences, IReadOnlyList<MetadataDifference> metadata)
    {
        w.WriteStartObject();
        w.WriteString("a", settings.A);
        w.WriteString("b", settings.B);
        w.WriteStartObject("counts");
        foreach (DifferenceStatus status in Enum.GetValues<DifferenceStatus>())
        {
            w.WriteNumber(status.ToString().ToLowerInvariant(), differences.Count(d => d.Status == status));
        }
        w.WriteEndObject();
        w.WriteStartArray("tensors");
        int written = 0;
        foreach (TensorDifference d in differences)
        {
            w.WriteStartObject();
            w.WriteString("name", d.Name);
            w.WriteString("status", d.Status.ToString().ToLowerInvariant());
            WriteTensor(w, "a", d.A);
            WriteTensor(w, "b", d.B);
            WriteNumber(w, "l2", d.L2);
            WriteNumber(w, "relative_l2", d.RelativeL2);
            WriteNumber(w, "max_abs", d.MaxAbs);
            if (d.Note is not null)
            {
                w.WriteString("note", d.Note);
            }
            w.WriteEndObject();
            if (++written % TensorsPerFlush == 0)
            {
                w.Flush();
            }
        }
        w.WriteEndArray();
        w.WriteStartArray("metadata");
        foreach (MetadataDifference m in metadata)
        {
            w.WriteStartObject();
            w.WriteString("key", m.Key);
            w.WriteString("status", m.Status.ToString().ToLowerInvariant());
            WriteNullable(w, "a", m.A);
            WriteNullable(w, "b", m.B);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteTensor(Utf8JsonWriter w, string name, SafeTensorInfo? t)
    {
        if (t is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteString("dtype", t.DType.SafeTensorsName());
        w.WriteStartArray("shape");
        foreach (ulong d in t.Dimensions)
        {
            w.WriteNumberValue(d);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    // JSON has no infinity or NaN: such values (a change relative to an all-zero tensor, a NaN weight) are
    // written as strings so a script sees them rather than a parse error.
    private static void WriteNumber(Utf8JsonWriter w, string name, double? value)
    {
        if (value is not { } v)
        {
            w.WriteNull(name);
        }
        else if (double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteString(name, double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
    }
}

using ParameterKit.Cli.Output;
using ParameterKit.Gguf;
using ParameterKit.Models;
using ParameterKit.Parameters;
using Spectre.Console;

namespace ParameterKit.Cli.Inspection;

/// <summary>Renders a <see cref="GgufReport"/> as tables, in the shape of <see cref="InspectView"/>'s safetensors report.</summary>
internal static class GgufInspectView
{
    /// <summary>Writes the report.</summary>
    public static void Write(CliOutput output, GgufReport report, bool listTensors)
    {
        GgufFile file = report.File;
        output.Line(report.Source);
        output.Line($"GGUF v{file.Header.Version} file, {Numbers.Bytes(report.FileLength)} ({Numbers.Count(report.FileLength)} bytes); " +
            $"read {Numbers.Count(file.Header.HeaderLength)} header bytes; architecture {report.Architecture ?? "(none)"}");
        output.Line(KindsSource(report));
        output.Line();

        BreakdownView.Write(output, report.Breakdown);
        output.Line();

        output.Write(TypeTable(report.ByType, report.Breakdown.Total));
        output.Line($"Held in the file: {Numbers.Bytes(report.ParameterBytes)} for {Numbers.Count(report.Breakdown.Total)} parameters " +
            $"({Numbers.Decimal(report.Breakdown.Total == 0 ? 0 : (double)report.ParameterBytes / report.Breakdown.Total, 4)} bytes per parameter)");

        foreach ((string alias, string target, bool stored) in report.Tied)
        {
            output.Line(stored
                ? $"Tied: {alias} is a stored copy of {target} (the same values; counted once; its {Numbers.Bytes(report.TiedCopyBytes)} are held in the file too)"
                : $"Tied (inferred): {alias} not stored; reuses {target} (counted once)");
        }
        List<GgufTensorRow> buffers = [.. report.Tensors.Where(t => t.Kind is null)];
        if (buffers.Count > 0)
        {
            output.Line($"Not parameters (buffers, not counted): {Numbers.Count(buffers.Count)} tensors, " +
                $"{Numbers.Count(buffers.Sum(b => (long)b.Tensor.ElementCount))} values");
            var table = new Table().AddColumn("Buffer").AddColumn("Type").AddColumn("Shape");
            foreach (GgufTensorRow b in buffers.Take(InspectView.MaxRows))
            {
                table.AddRow(BreakdownView.Cell(b.Tensor.Name), BreakdownView.Cell(GgufTensorTypes.Name(b.Tensor.Type)), BreakdownView.Cell(b.ShapeText));
            }
            output.Write(table);
            InspectView.NoteOmitted(output, buffers.Count, "buffers");
        }

        GgufMetadata metadata = file.Metadata;
        var entries = new Table().Title("Metadata").AddColumn("Key").AddColumn("Type").AddColumn("Value");
        foreach (GgufMetadataEntry entry in metadata.Entries.Take(InspectView.MaxRows))
        {
            entries.AddRow(BreakdownView.Cell(entry.Key), BreakdownView.Cell(entry.Type.ToString()),
                BreakdownView.Cell(GgufMetadataValues.Text(metadata, entry)));
        }
        output.Write(entries);
        InspectView.NoteOmitted(output, metadata.Count, "metadata entries");

        if (listTensors)
        {
            var table = new Table().Title("Tensors").AddColumn("Name").AddColumn("Parameter").AddColumn("Kind").AddColumn("Type")
                .AddColumn("Shape").AddColumn(new TableColumn("Bytes").RightAligned());
            foreach (GgufTensorRow t in report.Tensors.Take(InspectView.MaxRows))
            {
                string kind = t.Kind is not { } k ? "buffer" : t.TiedCopy ? "tied copy" : ParameterBreakdown.KindName(k);
                table.AddRow(BreakdownView.Cell(t.Tensor.Name), BreakdownView.Cell(t.Parameter ?? "-"), BreakdownView.Cell(kind),
                    BreakdownView.Cell(GgufTensorTypes.Name(t.Tensor.Type)), BreakdownView.Cell(t.ShapeText),
                    BreakdownView.Number(Numbers.Count((long)t.Tensor.ByteLength)));
            }
            output.Write(table);
            InspectView.NoteOmitted(output, report.Tensors.Count, "tensors");
        }
    }

    /// <summary>Parameters, bytes and exact bytes per parameter of each type (shared with <c>count</c>).</summary>
    public static Table TypeTable(IReadOnlyList<GgufTypeRow> rows, long total)
    {
        var table = new Table().Title("By type").AddColumn("Type").AddColumn(new TableColumn("Parameters").RightAligned())
            .AddColumn(new TableColumn("Share").RightAligned()).AddColumn(new TableColumn("Bytes/param").RightAligned())
            .AddColumn(new TableColumn("Bytes").RightAligned()).AddColumn(new TableColumn("Size").RightAligned());
        foreach (GgufTypeRow row in rows)
        {
            table.AddRow(BreakdownView.Cell(row.Name), BreakdownView.Number(Numbers.Count(row.Parameters)),
                BreakdownView.Number(Numbers.Percent(row.Parameters, total)), BreakdownView.Number(Numbers.Decimal(row.BytesPerParameter, 8)),
                BreakdownView.Number(Numbers.Count(row.Bytes)), BreakdownView.Number(Numbers.Bytes(row.Bytes)));
        }
        return table;
    }

    /// <summary>Where the kinds come from, said once.</summary>
    public static string KindsSource(GgufReport report) => report.ArchitectureLoaded
        ? $"kinds from the {report.Architecture} name map (llama.cpp's names -> the parameters ParameterKit declares)"
        : $"kinds inferred from llama.cpp's names (architecture {report.Architecture ?? "(none)"} is not one ParameterKit loads: {string.Join(", ", GgufArchitectures.Supported)})";
}

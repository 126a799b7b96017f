using ParameterKit.Cli.Output;
using ParameterKit.Cli.Sources;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;
using Spectre.Console;

namespace ParameterKit.Cli.Inspection;

/// <summary>Renders an <see cref="InspectReport"/> as tables.</summary>
/// <remarks>
/// A header may list millions of tensors or metadata keys. A table of millions of rows helps nobody and costs
/// Spectre.Console gigabytes to lay out, so every table stops after <see cref="MaxRows"/> rows and says how many it
/// left out; <c>--json</c> always lists everything.
/// </remarks>
internal static class InspectView
{
    /// <summary>The most rows any table prints.</summary>
    public const int MaxRows = 2_000;

    /// <summary>Writes the report.</summary>
    /// <param name="output">The sinks.</param>
    /// <param name="report">The report.</param>
    /// <param name="listTensors">Also list every tensor.</param>
    public static void Write(CliOutput output, InspectReport report, bool listTensors)
    {
        CheckpointHeaders h = report.Headers;
        string files = h.Layout == CheckpointLayout.Sharded ? $"{h.Files.Count} shards" : h.Layout == CheckpointLayout.Remote ? "remote file" : "file";
        ulong size = h.Files.Aggregate(0UL, (sum, f) => sum + f.Length);
        ulong header = h.Files.Aggregate(0UL, (sum, f) => sum + f.HeaderLength + 8);
        output.Line($"{h.Source}");
        output.Line($"{files}, {Numbers.Bytes(size)} ({Numbers.Count((long)size)} bytes); read {Numbers.Count((long)header)} header bytes");
        output.Line(KindsSource(report));
        output.Line();

        BreakdownView.Write(output, report.Breakdown);
        output.Line();

        var dtypes = new Table().Title("By dtype").AddColumn("Dtype").AddColumn(new TableColumn("Parameters").RightAligned())
            .AddColumn(new TableColumn("Bytes").RightAligned()).AddColumn(new TableColumn("Size").RightAligned());
        foreach (DTypeRow row in report.ByDType)
        {
            dtypes.AddRow(BreakdownView.Cell(row.DType.SafeTensorsName()), BreakdownView.Number(Numbers.Count(row.Parameters)),
                BreakdownView.Number(Numbers.Count(row.Bytes)), BreakdownView.Number(Numbers.Bytes(row.Bytes)));
        }
        output.Write(dtypes);

        foreach (string finding in h.Tolerated)
        {
            output.Line($"Tolerated (--lenient-index): {finding}");
        }
        foreach ((string path, long length) in h.LeftoverTemporaryFiles)
        {
            output.Line($"Leftover temporary file of an interrupted save: {path} ({Numbers.Bytes(length)}); the next save to its target removes it");
        }

        foreach ((string alias, string target) in report.Tied)
        {
            output.Line($"Tied (inferred): {alias} not stored; reuses {target} (counted once)");
        }
        if (report.BufferCount > 0)
        {
            output.Line($"Not parameters (buffers, not counted): {Numbers.Count(report.BufferCount)} tensors, {Numbers.Count(report.BufferValues)} values");
            var table = new Table().AddColumn("Buffer").AddColumn("Dtype").AddColumn("Shape");
            foreach ((SafeTensorEntry b, _, _) in report.Tensors().Where(t => t.Kind is null).Take(MaxRows))
            {
                table.AddRow(BreakdownView.Cell(Name(b)), BreakdownView.Cell(b.DType.SafeTensorsName()), BreakdownView.Cell(Shape(b)));
            }
            output.Write(table);
            NoteOmitted(output, report.BufferCount, "buffers");
        }
        if (h.Metadata is { Count: > 0 } metadata)
        {
            var table = new Table().Title("__metadata__").AddColumn("Key").AddColumn("Value");
            foreach ((string key, string value) in metadata.Take(MaxRows))
            {
                // The kind record is one JSON value listing every tensor: kilobytes in a table cell, and already
                // used above. --json prints it verbatim.
                string shown = key == RecordedKinds.MetadataKey && report.KindsRecorded
                    ? $"(each tensor's kind, {Numbers.Count(h.TensorCount)} tensors: used above; --json prints it)"
                    : value;
                table.AddRow(BreakdownView.Cell(key), BreakdownView.Cell(shown));
            }
            output.Write(table);
            NoteOmitted(output, metadata.Count, "metadata entries");
        }
        else
        {
            output.Line("__metadata__: none");
        }

        if (listTensors)
        {
            var table = new Table().Title("Tensors").AddColumn("Name").AddColumn("Kind").AddColumn("Dtype").AddColumn("Shape")
                .AddColumn(new TableColumn("Bytes").RightAligned());
            int shown = 0;
            long omittedParameters = 0;
            foreach ((SafeTensorEntry t, _, ParameterKind? kind) in report.Tensors())
            {
                // Past the cap, keep walking only to add up what the summary line reports: nothing is kept.
                if (shown++ >= MaxRows)
                {
                    omittedParameters += kind is null ? 0 : (long)t.ElementCount;
                    continue;
                }
                table.AddRow(BreakdownView.Cell(Name(t)), BreakdownView.Cell(kind is { } k ? ParameterBreakdown.KindName(k) : "buffer"),
                    BreakdownView.Cell(t.DType.SafeTensorsName()), BreakdownView.Cell(Shape(t)), BreakdownView.Number(Numbers.Count((long)t.ByteLength)));
            }
            output.Write(table);
            if (h.TensorCount > MaxRows)
            {
                output.Line($"... {Numbers.Count(h.TensorCount - MaxRows)} more tensors not shown, holding {Numbers.Count(omittedParameters)} parameters " +
                    $"(the first {Numbers.Count(MaxRows)} are; --json lists all {Numbers.Count(h.TensorCount)})");
            }
        }
    }

    /// <summary>A shown tensor's name as a string (only for the rows a table prints).</summary>
    private static string Name(in SafeTensorEntry t) => System.Text.Encoding.UTF8.GetString(t.NameUtf8);

    /// <summary>A shown tensor's shape as <c>[d0, d1, ...]</c>; the reader caps the rank at <see cref="SafeTensorsHeader.MaxRank"/>.</summary>
    private static string Shape(in SafeTensorEntry t)
    {
        Span<ulong> dimensions = stackalloc ulong[SafeTensorsHeader.MaxRank];
        return "[" + string.Join(", ", t.CopyDimensions(dimensions).ToArray()) + "]";
    }

    /// <summary>Says how many rows a table left out, if any.</summary>
    public static void NoteOmitted(CliOutput output, int count, string what)
    {
        if (count > MaxRows)
        {
            output.Line($"... {Numbers.Count(count - MaxRows)} more {what} not shown (the first {Numbers.Count(MaxRows)} are; --json lists all {Numbers.Count(count)})");
        }
    }

    /// <summary>Where the kinds come from, said once, so nobody mistakes a guess for a fact.</summary>
    public static string KindsSource(InspectReport report) => report.KindsRecorded
        ? $"kinds recorded in the file ({RecordedKinds.MetadataKey})"
        : "kinds inferred from names (the file records none)";
}

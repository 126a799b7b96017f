using System.Text.Json;
using ParameterKit.Cli.Output;
using ParameterKit.Cli.Sources;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Cli.Inspection;

/// <summary>
/// The <c>inspect --json</c> document: the counts, and every tensor with name, dtype, shape, data offsets (relative
/// to the byte buffer, as in the header), byte length, kind and file, plus the metadata, so a script can check a
/// checkpoint without writing C#.
/// </summary>
internal static class InspectJson
{
    /// <summary>How many tensors are written between two flushes of the streaming writer.</summary>
    private const int TensorsPerFlush = 1_000;

    /// <summary>
    /// Writes <paramref name="report"/>, flushing every <see cref="TensorsPerFlush"/> tensors so that, streamed, only
    /// a bounded part of the document is ever held in memory.
    /// </summary>
    public static void Write(Utf8JsonWriter w, InspectReport report)
    {
        var h = report.Headers;
        w.WriteStartObject();
        w.WriteString("source", h.Source);
        w.WriteString("layout", h.Layout.ToString().ToLowerInvariant());
        w.WriteStartArray("files");
        foreach (var f in h.Files)
        {
            w.WriteStartObject();
            w.WriteString("name", f.Name);
            w.WriteNumber("file_size", f.Length);
            w.WriteNumber("header_size", f.HeaderLength);
            w.WriteNumber("data_start", f.HeaderLength + 8);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("kinds_source", report.KindsRecorded ? "recorded" : "inferred");
        WriteBreakdown(w, report.Breakdown);

        w.WriteStartArray("by_dtype");
        foreach (DTypeRow row in report.ByDType)
        {
            w.WriteStartObject();
            w.WriteString("dtype", row.DType.SafeTensorsName());
            w.WriteNumber("parameters", row.Parameters);
            w.WriteNumber("bytes", row.Bytes);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("tied");
        foreach ((string alias, string target) in report.Tied)
        {
            w.WriteStartObject();
            w.WriteString("name", alias);
            w.WriteString("target", target);
            w.WriteString("evidence", "inferred: the output head is not stored and the token embedding is");
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("buffers");
        int buffers = 0;
        foreach ((SafeTensorEntry b, _, ParameterKind? kind) in report.Tensors())
        {
            if (kind is null)
            {
                w.WriteStringValue(b.NameUtf8);
                if (++buffers % TensorsPerFlush == 0)
                {
                    w.Flush();
                }
            }
        }
        w.WriteEndArray();

        w.WritePropertyName("metadata");
        if (h.Metadata is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteStartObject();
            foreach ((string key, string value) in h.Metadata)
            {
                w.WriteString(key, value);
            }
            w.WriteEndObject();
        }

        w.WriteStartArray("tolerated");
        foreach (string finding in h.Tolerated)
        {
            w.WriteStringValue(finding);
        }
        w.WriteEndArray();

        w.WriteStartArray("leftover_temporary_files");
        foreach ((string path, long length) in h.LeftoverTemporaryFiles)
        {
            w.WriteStartObject();
            w.WriteString("path", path);
            w.WriteNumber("bytes", length);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("tensors");
        int written = 0;
        Span<ulong> dimensions = stackalloc ulong[SafeTensorsHeader.MaxRank];
        foreach ((SafeTensorEntry t, CheckpointFile file, ParameterKind? kind) in report.Tensors())
        {
            // Straight from the header's storage to the writer: no object, string or array per tensor.
            w.WriteStartObject();
            w.WriteString("name", t.NameUtf8);
            w.WriteString("dtype", t.DType.SafeTensorsName());
            w.WriteStartArray("shape");
            foreach (ulong d in t.CopyDimensions(dimensions))
            {
                w.WriteNumberValue(d);
            }
            w.WriteEndArray();
            w.WriteStartArray("data_offsets");
            w.WriteNumberValue(t.Begin);
            w.WriteNumberValue(t.End);
            w.WriteEndArray();
            w.WriteNumber("byte_length", t.ByteLength);
            w.WriteNumber("elements", t.ElementCount);
            w.WriteString("kind", kind is { } k ? ParameterBreakdown.KindName(k) : "buffer");
            w.WriteString("file", file.Name);
            w.WriteEndObject();
            if (++written % TensorsPerFlush == 0)
            {
                w.Flush();
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Writes <c>total_parameters</c>, <c>by_kind</c> and <c>layers</c> (shared with <c>count --json</c>).</summary>
    public static void WriteBreakdown(Utf8JsonWriter w, ParameterBreakdown breakdown)
    {
        w.WriteNumber("total_parameters", breakdown.Total);
        w.WriteNumber("parameter_tensors", breakdown.Tensors);
        w.WriteStartObject("by_kind");
        foreach (ParameterKind kind in breakdown.ShownKinds)
        {
            w.WriteNumber(ParameterBreakdown.KindName(kind), breakdown.ByKind[kind]);
        }
        w.WriteEndObject();
        w.WriteStartArray("layers");
        foreach (LayerRow row in breakdown.Layers)
        {
            w.WriteStartObject();
            w.WriteString("label", row.Label);
            w.WriteString("group", row.Group);
            if (row.First is { } first)
            {
                w.WriteNumber("first", first);
                w.WriteNumber("last", row.Last!.Value);
            }
            w.WriteNumber("repeats", row.Repeats);
            w.WriteNumber("each", row.Each);
            w.WriteNumber("total", row.Total);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}

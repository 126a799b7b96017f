using System.Text.Json;
using ParameterKit.Gguf;
using ParameterKit.Parameters;

namespace ParameterKit.Cli.Inspection;

/// <summary>
/// The <c>inspect --json</c> document of a GGUF file: the keys of the safetensors document (<see cref="InspectJson"/>)
/// with GGUF's values (a tensor's <c>dtype</c> is its GGUF type, <c>data_offsets</c> are relative to the data section as
/// safetensors offsets are relative to the byte buffer, <c>shape</c> is in PyTorch order), plus what only GGUF has:
/// <c>format</c>, <c>gguf_version</c>, <c>alignment</c>, <c>architecture</c>, each type's <c>bytes_per_parameter</c> and each
/// tensor's <c>parameter</c> and <c>gguf_dimensions</c>.
/// </summary>
internal static class GgufInspectJson
{
    /// <summary>Writes <paramref name="report"/>.</summary>
    public static void Write(Utf8JsonWriter w, GgufReport report)
    {
        GgufFile file = report.File;
        w.WriteStartObject();
        w.WriteString("source", report.Source);
        w.WriteString("layout", "file");
        w.WriteString("format", "gguf");
        w.WriteNumber("gguf_version", file.Header.Version);
        w.WriteNumber("alignment", file.Header.Alignment);
        if (report.Architecture is null)
        {
            w.WriteNull("architecture");
        }
        else
        {
            w.WriteString("architecture", report.Architecture);
        }
        w.WriteStartArray("files");
        w.WriteStartObject();
        w.WriteString("name", Path.GetFileName(file.FilePath));
        w.WriteNumber("file_size", report.FileLength);
        w.WriteNumber("header_size", file.Header.HeaderLength);
        w.WriteNumber("data_start", file.Header.DataStart);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("kinds_source", report.ArchitectureLoaded ? "name_map" : "inferred");
        InspectJson.WriteBreakdown(w, report.Breakdown);

        w.WriteStartArray("by_dtype");
        foreach (GgufTypeRow row in report.ByType)
        {
            WriteTypeRow(w, row);
        }
        w.WriteEndArray();
        w.WriteNumber("parameter_bytes", report.ParameterBytes);
        w.WriteNumber("tied_copy_bytes", report.TiedCopyBytes);

        w.WriteStartArray("tied");
        foreach ((string alias, string target, bool stored) in report.Tied)
        {
            w.WriteStartObject();
            w.WriteString("name", alias);
            w.WriteString("target", target);
            w.WriteString("evidence", stored
                ? "the file stores a copy with the same bytes; counted once"
                : "inferred: the output head is not stored and the token embedding is");
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("buffers");
        foreach (GgufTensorRow b in report.Tensors.Where(t => t.Kind is null))
        {
            w.WriteStringValue(b.Tensor.Name);
        }
        w.WriteEndArray();

        w.WriteStartObject("metadata");
        foreach (GgufMetadataEntry entry in file.Metadata.Entries)
        {
            GgufMetadataValues.Write(w, file.Metadata, entry);
        }
        w.WriteEndObject();
        w.WriteStartArray("tolerated");
        w.WriteEndArray();
        w.WriteStartArray("leftover_temporary_files");
        w.WriteEndArray();

        w.WriteStartArray("tensors");
        string name = Path.GetFileName(file.FilePath);
        foreach (GgufTensorRow t in report.Tensors)
        {
            GgufTensorInfo info = t.Tensor;
            w.WriteStartObject();
            w.WriteString("name", info.Name);
            w.WriteString("dtype", GgufTensorTypes.Name(info.Type));
            w.WriteStartArray("shape");
            foreach (ulong d in info.Shape)
            {
                w.WriteNumberValue(d);
            }
            w.WriteEndArray();
            w.WriteStartArray("gguf_dimensions");
            foreach (ulong d in info.Dimensions)
            {
                w.WriteNumberValue(d);
            }
            w.WriteEndArray();
            w.WriteStartArray("data_offsets");
            w.WriteNumberValue(info.Offset);
            w.WriteNumberValue(info.Offset + info.ByteLength);
            w.WriteEndArray();
            w.WriteNumber("byte_length", info.ByteLength);
            w.WriteNumber("elements", info.ElementCount);
            w.WriteString("kind", t.Kind is not { } k ? "buffer" : t.TiedCopy ? "tied_copy" : ParameterBreakdown.KindName(k));
            if (t.Parameter is null)
            {
                w.WriteNull("parameter");
            }
            else
            {
                w.WriteString("parameter", t.Parameter);
            }
            w.WriteString("file", name);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>One type's row: <c>dtype</c>, <c>parameters</c>, <c>bytes</c>, <c>bytes_per_parameter</c> (shared with <c>count</c> and <c>cost</c>).</summary>
    public static void WriteTypeRow(Utf8JsonWriter w, GgufTypeRow row)
    {
        w.WriteStartObject();
        w.WriteString("dtype", row.Name);
        w.WriteNumber("parameters", row.Parameters);
        w.WriteNumber("bytes", row.Bytes);
        w.WriteNumber("bytes_per_parameter", row.BytesPerParameter);
        w.WriteEndObject();
    }
}

using System.Text;
using System.Text.Json;
using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.Counting;

/// <summary>Writes a <see cref="ModelSummary"/> as JSON with <see cref="Utf8JsonWriter"/> (no reflection: AOT-safe).</summary>
internal static class SummaryJson
{
    public static string Write(ModelSummary summary)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteCounts(json, summary.Totals);
            json.WriteStartObject("bytes");
            foreach (var dtype in ModelSummary.ReportedDTypes)
            {
                json.WriteNumber(dtype.SafeTensorsName(), summary.Totals.BytesAs(dtype));
            }
            json.WriteEndObject();
            json.WriteStartArray("tied");
            foreach (var tied in summary.TiedNames)
            {
                json.WriteStartObject();
                json.WriteString("name", tied.Name);
                json.WriteString("target", tied.Target.Name);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteNumber("depth", summary.Depth);
            json.WriteStartArray("rows");
            foreach (var row in summary.Rows)
            {
                json.WriteStartObject();
                json.WriteString("path", row.Path);
                json.WriteString("type", row.TypeName);
                json.WriteNumber("depth", row.Depth);
                WriteCounts(json, row.Counts);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteCounts(Utf8JsonWriter json, ParameterCounts counts)
    {
        json.WriteNumber("total", counts.Total);
        json.WriteNumber("trainable", counts.Trainable);
        json.WriteNumber("frozen", counts.Frozen);
        json.WriteStartObject("by_kind");
        json.WriteNumber("embedding", counts.Of(ParameterKind.Embedding));
        json.WriteNumber("weight", counts.Of(ParameterKind.Weight));
        json.WriteNumber("bias", counts.Of(ParameterKind.Bias));
        json.WriteNumber("norm_gain", counts.Of(ParameterKind.NormGain));
        if (counts.Adapter != 0)
        {
            json.WriteNumber("adapter", counts.Adapter); // only when adapters exist: other summaries keep their shape
        }
        json.WriteEndObject();
    }
}

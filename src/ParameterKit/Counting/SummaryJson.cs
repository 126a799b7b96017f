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
            json.WriteStartObject("trainable_by_kind");
            foreach (var split in summary.TrainableByKind)
            {
                json.WriteStartObject(KindName(split.Kind));
                json.WriteNumber("trainable", split.Trainable);
                json.WriteNumber("frozen", split.Frozen);
                json.WriteEndObject();
            }
            json.WriteEndObject();
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

    /// <summary>The snake_case name scripts read: <c>embedding</c>, <c>weight</c>, <c>bias</c>, <c>norm_gain</c>, <c>adapter</c>.</summary>
    private static string KindName(ParameterKind kind) => kind switch
    {
        ParameterKind.Embedding => "embedding",
        ParameterKind.Weight => "weight",
        ParameterKind.Bias => "bias",
        ParameterKind.NormGain => "norm_gain",
        _ => "adapter",
    };

    private static void WriteCounts(Utf8JsonWriter json, ParameterCounts counts)
    {
        json.WriteNumber("total", counts.Total);
        json.WriteNumber("trainable", counts.Trainable);
        json.WriteNumber("frozen", counts.Frozen);
        json.WriteStartObject("by_kind");
        foreach (var kind in KindSplit.ReportOrder)
        {
            if (kind == ParameterKind.Adapter && counts.Adapter == 0)
            {
                continue; // only when adapters exist: other summaries keep their shape
            }
            json.WriteNumber(KindName(kind), counts.Of(kind));
        }
        json.WriteEndObject();
    }
}

using System.Globalization;
using System.Text.Json;
using ParameterKit.Cli.Output;
using ParameterKit.Gguf;

namespace ParameterKit.Cli.Inspection;

/// <summary>
/// GGUF metadata values for people and for scripts. Scalars are shown whole; arrays (a 150,000-token vocabulary,
/// its merges) by element type and length only, never decoded, so printing metadata costs nothing per token.
/// </summary>
internal static class GgufMetadataValues
{
    /// <summary>The longest string value a table cell shows; <c>--json</c> writes every value whole.</summary>
    private const int MaxShownLength = 200;

    /// <summary>The value as table text.</summary>
    public static string Text(GgufMetadata metadata, GgufMetadataEntry entry)
    {
        if (entry.Type == GgufValueType.Array)
        {
            return $"array of {Numbers.Count((long)Math.Min(entry.Count, long.MaxValue))} {entry.ElementType}";
        }
        object value = metadata.GetValue(entry.Key);
        string text = value switch
        {
            string s => s,
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.Length <= MaxShownLength ? text : $"{text[..MaxShownLength]}... ({Numbers.Count(text.Length)} characters; --json prints it)";
    }

    /// <summary>Writes the value under its key: a JSON string, number or boolean, or for an array <c>{"array_of", "count"}</c>.</summary>
    public static void Write(Utf8JsonWriter w, GgufMetadata metadata, GgufMetadataEntry entry)
    {
        if (entry.Type == GgufValueType.Array)
        {
            w.WriteStartObject(entry.Key);
            w.WriteString("array_of", entry.ElementType.ToString());
            w.WriteNumber("count", entry.Count);
            w.WriteEndObject();
            return;
        }
        switch (metadata.GetValue(entry.Key))
        {
            case string s:
                w.WriteString(entry.Key, s);
                break;
            case bool b:
                w.WriteBoolean(entry.Key, b);
                break;
            case float f when float.IsFinite(f):
                w.WriteNumber(entry.Key, f);
                break;
            case double d when double.IsFinite(d):
                w.WriteNumber(entry.Key, d);
                break;
            case float or double:
                // JSON has no NaN or infinity: the value is written as the text a person would read.
                w.WriteString(entry.Key, Convert.ToString(metadata.GetValue(entry.Key), CultureInfo.InvariantCulture));
                break;
            case ulong u:
                w.WriteNumber(entry.Key, u);
                break;
            case object other:
                w.WriteNumber(entry.Key, Convert.ToInt64(other, CultureInfo.InvariantCulture));
                break;
        }
    }
}

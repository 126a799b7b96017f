using System.Text;
using System.Text.Json;
using ParameterKit.CommandLine;

namespace ParameterKit.Cli.Output;

/// <summary>
/// Builds the <c>--json</c> documents with <see cref="Utf8JsonWriter"/>: the shape is written out field by field,
/// never discovered by reflection, so what scripts see is exactly what the code says.
/// </summary>
internal static class JsonText
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // Tensor names and metadata are arbitrary Unicode; keep them readable instead of \uXXXX-escaped.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Runs <paramref name="write"/> against a fresh writer and returns the UTF-16 text.</summary>
    public static string Build(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }
        return EscapeBidiControls(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>
    /// The relaxed encoder escapes control characters but passes bidi controls (U+202E and friends) through, and
    /// a terminal showing the JSON would obey them. Outside strings JSON holds only ASCII, so any such character
    /// is inside a string, where <c>\uXXXX</c> means exactly the same text to a parser.
    /// </summary>
    private static string EscapeBidiControls(string json)
    {
        if (!json.Any(c => c != '\n' && TerminalText.IsUnsafe(c)))
        {
            return json;
        }
        var escaped = new StringBuilder(json.Length + 16);
        foreach (char c in json)
        {
            if (c != '\n' && TerminalText.IsUnsafe(c))
            {
                escaped.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }
        return escaped.ToString();
    }

    /// <summary>Writes a document to <paramref name="destination"/> with the same options as <see cref="Build"/>.</summary>
    public static void WriteTo(Stream destination, Action<Utf8JsonWriter> write)
    {
        using var writer = new Utf8JsonWriter(destination, Options);
        write(writer);
    }
}

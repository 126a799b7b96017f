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
        return TerminalText.EscapeInJson(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>Writes a document to <paramref name="destination"/> with the same options as <see cref="Build"/>.</summary>
    public static void WriteTo(Stream destination, Action<Utf8JsonWriter> write)
    {
        using var safe = new BidiEscapingStream(destination);
        using (var writer = new Utf8JsonWriter(safe, Options))
        {
            write(writer);
        }
    }
}

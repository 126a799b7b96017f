using System.Text;
using System.Text.Json;

namespace SentimentChat.Commands;

/// <summary>
/// Writes a failure as one line on standard error: <c>sentimentchat: error: message</c>, or with <c>--json</c> the
/// document <c>{"error":{"kind":"...","message":"..."}}</c>, so a script reading stdout never mistakes an error for
/// a result. <c>--verbose</c> adds the exception's details (type, stack) below the line.
/// </summary>
public static class ErrorOutput
{
    /// <summary>The name errors start with.</summary>
    public const string Program = "sentimentchat";

    /// <summary>Writes the error.</summary>
    /// <param name="error">Standard error.</param>
    /// <param name="kind">A stable word naming the failure.</param>
    /// <param name="message">What went wrong; newlines are folded so the error stays one line.</param>
    /// <param name="json">Whether the command was asked for <c>--json</c>.</param>
    /// <param name="details">The exception, printed in full only when <paramref name="verbose"/>.</param>
    /// <param name="verbose">Whether <c>--verbose</c> was given.</param>
    public static void Write(TextWriter error, string kind, string message, bool json, Exception? details = null, bool verbose = false)
    {
        ArgumentNullException.ThrowIfNull(error);
        string line = OneLine(message);
        if (json)
        {
            error.WriteLine(Document(kind, line));
        }
        else
        {
            error.WriteLine($"{Program}: error: {line}");
        }
        if (verbose && details is not null)
        {
            error.WriteLine(details.ToString());
        }
        error.Flush();
    }

    /// <summary>The JSON error document.</summary>
    public static string Document(string kind, string message)
    {
        using var buffer = new MemoryStream();
        // Messages quote paths and values: keep them readable ('x', not \u0027x\u0027).
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("kind", kind);
            json.WriteString("message", message);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Folds line breaks into spaces (Spectre's parse messages and some exception messages span lines).</summary>
    public static string OneLine(string message) =>
        string.Join(' ', (message ?? string.Empty).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

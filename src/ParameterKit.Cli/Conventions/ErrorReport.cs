using System.Text;
using System.Text.Json;
using ParameterKit.SafeTensors;

namespace ParameterKit.CommandLine;

/// <summary>
/// How every ParameterKit command line reports a failure on standard error: one line
/// <c>app: error: message</c> for people, or with <c>--json</c> one JSON document
/// <c>{"error":{"kind":...,"message":...}}</c> for scripts, where <c>kind</c> is a stable word
/// (<c>Usage</c>, <c>NotFound</c>, <c>InvalidInput</c>, <c>Unexpected</c>, a safetensors error kind, ...).
/// </summary>
internal static class ErrorReport
{
    /// <summary>Writes the failure.</summary>
    /// <param name="error">Standard error.</param>
    /// <param name="application">The command's name, the prefix of the human line.</param>
    /// <param name="json">Whether <c>--json</c> was given.</param>
    /// <param name="kind">A stable word naming the failure.</param>
    /// <param name="message">One sentence; file and server text in it is escaped for the terminal here, the
    /// credentials and secret query values of any address in it are redacted (<see cref="UriRedaction"/>), and line
    /// breaks (Spectre.Console.Cli's parse messages have some) are folded into spaces so the error stays one line.</param>
    public static void Write(TextWriter error, string application, bool json, string kind, string message)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(message);
        // The last point every error passes: whatever quoted an address (the user's argument, a server's redirect,
        // an inner exception), no token in it reaches the terminal or a log.
        message = OneLine(UriRedaction.Redact(message));
        if (json)
        {
            error.WriteLine(Json(kind, message));
        }
        else
        {
            error.WriteLine($"{application}: error: {TerminalText.Escape(message)}");
        }
        error.Flush();
    }

    /// <summary>Folds line breaks and the spaces around them into one space.</summary>
    /// <param name="message">A message that may span lines.</param>
    /// <returns>The message on one line.</returns>
    public static string OneLine(string? message) =>
        string.Join(' ', (message ?? "").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The JSON error document on one line, readable (paths and quotes as themselves) and terminal-safe
    /// (<see cref="TerminalText.EscapeInJson"/>).</summary>
    /// <param name="kind">A stable word naming the failure.</param>
    /// <param name="message">The message.</param>
    /// <returns><c>{"error":{"kind":...,"message":...}}</c>.</returns>
    public static string Json(string kind, string message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("kind", kind);
            writer.WriteString("message", message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return TerminalText.EscapeInJson(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}

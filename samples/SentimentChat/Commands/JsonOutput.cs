using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace SentimentChat.Commands;

/// <summary>
/// Writes a <c>--json</c> document straight to the console's underlying writer: Spectre's renderer would wrap long
/// lines at the console width and read <c>[brackets]</c> in messages as markup.
/// </summary>
public static class JsonOutput
{
    /// <summary>Builds the document with <paramref name="write"/> and writes it, followed by a newline.</summary>
    public static void Write(IAnsiConsole console, Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(write);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }
        var writer = console.Profile.Out.Writer;
        writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        writer.Flush();
    }
}

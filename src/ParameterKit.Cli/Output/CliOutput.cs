using ParameterKit.CommandLine;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ParameterKit.Cli.Output;

/// <summary>
/// Where a command writes: rich renderables to the console, raw <c>--json</c> text to the console's underlying
/// writer, and one-line errors to standard error. Injected, so tests capture everything in-process.
/// </summary>
/// <remarks>
/// JSON bypasses Spectre's renderer on purpose: the renderer wraps long lines at the console width, which would
/// break a JSON string in the middle, and it would interpret <c>[brackets]</c> in tensor names as markup.
/// </remarks>
internal sealed class CliOutput
{
    /// <summary>Creates the sinks.</summary>
    /// <param name="console">The console for human output and JSON.</param>
    /// <param name="error">Standard error, for failures (one line, or the JSON error document).</param>
    public CliOutput(IAnsiConsole console, TextWriter error)
    {
        Console = console;
        Error = error;
    }

    /// <summary>The console for human output.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>Renders a Spectre renderable (table, chart, text).</summary>
    public void Write(IRenderable renderable) => Console.Write(renderable);

    /// <summary>
    /// Writes one line of plain text: never parsed as markup, never wrapped (a path split over two lines cannot be
    /// copied or matched), and with control and bidi characters from files and servers escaped
    /// (<see cref="TerminalText"/>).
    /// </summary>
    public void Line(string text = "")
    {
        TextWriter writer = Console.Profile.Out.Writer;
        writer.Write(TerminalText.Escape(text));
        writer.Write('\n');
        writer.Flush();
    }

    /// <summary>
    /// Streams a JSON document to the console's writer as it is produced, followed by a newline. For documents that
    /// grow with the input (a header's tensors): <paramref name="write"/> calls <c>Flush</c> now and then, and only
    /// what was written since is ever held in memory.
    /// </summary>
    public void Json(Action<System.Text.Json.Utf8JsonWriter> write)
    {
        TextWriter writer = Console.Profile.Out.Writer;
        using (var stream = new TextWriterStream(writer))
        {
            JsonText.WriteTo(stream, write);
        }
        writer.Write('\n');
        writer.Flush();
    }

    /// <summary>Writes a JSON document verbatim, followed by a newline.</summary>
    public void Json(string json)
    {
        TextWriter writer = Console.Profile.Out.Writer;
        writer.Write(json);
        writer.Write('\n');
        writer.Flush();
    }
}

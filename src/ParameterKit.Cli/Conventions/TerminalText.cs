using System.Globalization;
using System.Text;

namespace ParameterKit.CommandLine;

/// <summary>
/// Makes text from a file or a server safe to print on a terminal: control characters and bidirectional
/// overrides become visible escapes (<c>\x1b</c>, <c>\u202e</c>) instead of being obeyed.
/// </summary>
/// <remarks>
/// A tensor name, a <c>__metadata__</c> value, a config string or a URL is chosen by whoever wrote the file or
/// runs the server. Printed raw, <c>ESC ] 0 ; … BEL</c> retitles the terminal, <c>ESC [ 2 J</c> clears it,
/// <c>ESC [ 8 m</c> hides the text that follows, NUL and DEL confuse pagers, and U+202E (right-to-left override)
/// makes <c>exe.txt</c> read as <c>txt.exe</c>. Every human-readable output path in the tool and the samples goes
/// through <see cref="Escape"/> or <see cref="EscapeKeepingLines"/>; JSON output does not need it, because the
/// JSON writer already escapes every control character and the tool's JSON encoder escapes the bidi controls
/// (see <c>TerminalTextTests</c>).
/// </remarks>
internal static class TerminalText
{
    /// <summary>
    /// Escapes every C0 control (U+0000-U+001F, newline and tab included), DEL (U+007F), every C1 control
    /// (U+0080-U+009F) and the bidi controls U+061C, U+200E, U+200F, U+202A-U+202E and U+2066-U+2069.
    /// </summary>
    /// <param name="text">Untrusted text meant for one line of output, such as a tensor name.</param>
    /// <returns>The text itself when it holds none of them (no allocation), else a copy with each one written as
    /// <c>\xHH</c> (below U+0100) or <c>\uHHHH</c>.</returns>
    public static string Escape(string? text) => EscapeCore(text, keepLines: false);

    /// <summary>As <see cref="Escape"/>, but newlines and tabs pass through: for multi-line text such as generated
    /// completions.</summary>
    /// <param name="text">Untrusted multi-line text.</param>
    /// <returns>The escaped text.</returns>
    public static string EscapeKeepingLines(string? text) => EscapeCore(text, keepLines: true);

    /// <summary>
    /// Makes serialized JSON terminal-safe: the relaxed encoder (readable non-ASCII text) escapes control
    /// characters but passes bidi controls (U+202E and friends) through, and a terminal showing the JSON would obey
    /// them. Outside strings JSON holds only ASCII, so any such character is inside a string, where
    /// <c>\uXXXX</c> means exactly the same text to a parser. Line breaks of indented output are kept.
    /// </summary>
    /// <param name="json">A serialized JSON document.</param>
    /// <returns>The same document with every unsafe character written as a <c>\uXXXX</c> escape.</returns>
    public static string EscapeInJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (!json.Any(c => c != '\n' && IsUnsafe(c)))
        {
            return json;
        }
        var escaped = new StringBuilder(json.Length + 16);
        foreach (char c in json)
        {
            if (c != '\n' && IsUnsafe(c))
            {
                escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }
        return escaped.ToString();
    }

    /// <summary>Whether <paramref name="c"/> must not reach a terminal as itself.</summary>
    /// <param name="c">A UTF-16 code unit.</param>
    /// <returns>True for controls and bidi controls.</returns>
    public static bool IsUnsafe(char c) =>
        c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u061C' || c == '\u200E' || c == '\u200F'
        || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');

    private static string EscapeCore(string? text, bool keepLines)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }
        int first = IndexOfUnsafe(text, keepLines);
        if (first < 0)
        {
            return text;
        }
        var escaped = new StringBuilder(text.Length + 16);
        escaped.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!IsUnsafe(c) || (keepLines && c is '\n' or '\t'))
            {
                escaped.Append(c);
            }
            else if (c <= 0xFF)
            {
                escaped.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }
        return escaped.ToString();
    }

    private static int IndexOfUnsafe(string text, bool keepLines)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (IsUnsafe(c) && !(keepLines && c is '\n' or '\t'))
            {
                return i;
            }
        }
        return -1;
    }
}

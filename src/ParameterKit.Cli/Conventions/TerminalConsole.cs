using Spectre.Console;

namespace ParameterKit.CommandLine;

/// <summary>The console a ParameterKit command line writes to.</summary>
internal static class TerminalConsole
{
    /// <summary>
    /// The width used when output goes to a file or a pipe. Spectre.Console assumes 80 columns when it cannot ask
    /// a terminal, and wraps every longer line there, splitting paths and commands a script then cannot match.
    /// Tables still size themselves to their content, so a wide limit only removes the wrapping.
    /// </summary>
    public const int RedirectedWidth = 4096;

    /// <summary>
    /// A console over <paramref name="output"/>: the terminal's width on a terminal; otherwise no wrapping, and no
    /// padding either (help and grids pad their lines to the console's width, which would be thousands of spaces).
    /// </summary>
    /// <param name="output">Standard output.</param>
    /// <param name="redirected">Whether standard output is a file or a pipe (<see cref="Console.IsOutputRedirected"/>).</param>
    /// <returns>The console.</returns>
    public static IAnsiConsole Create(TextWriter output, bool redirected)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!redirected)
        {
            return AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        }
        // Files and pipes get plain text: no colors, no cursor codes, nothing interactive.
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(new TrailingSpaceTrimmer(output)),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = RedirectedWidth;
        return console;
    }

    /// <summary>Drops the spaces at the end of every line, holding back a run of spaces until it sees what follows.</summary>
    /// <remarks>
    /// Each write reaches the inner writer as one call, not a call per character: standard output flushes on every
    /// call, and a character at a time made a 500 MB <c>--json</c> document cost hundreds of millions of system calls.
    /// </remarks>
    internal sealed class TrailingSpaceTrimmer(TextWriter inner) : TextWriter
    {
        private int _pendingSpaces;
        private char[] _kept = [];

        /// <inheritdoc />
        public override System.Text.Encoding Encoding => inner.Encoding;

        /// <inheritdoc />
        public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

        /// <inheritdoc />
        public override void Write(string? value) => Write(value.AsSpan());

        /// <inheritdoc />
        public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

        /// <inheritdoc />
        public override void Write(ReadOnlySpan<char> buffer)
        {
            // What this call writes is at most the spaces held back plus the new characters.
            if (_kept.Length < _pendingSpaces + buffer.Length)
            {
                _kept = new char[Math.Max(_pendingSpaces + buffer.Length, 2 * _kept.Length)];
            }
            int kept = 0;
            foreach (char c in buffer)
            {
                if (c == ' ')
                {
                    _pendingSpaces++;
                    continue;
                }
                if (c is not ('\n' or '\r'))
                {
                    _kept.AsSpan(kept, _pendingSpaces).Fill(' ');
                    kept += _pendingSpaces;
                }
                _pendingSpaces = 0;
                _kept[kept++] = c;
            }
            if (kept > 0)
            {
                inner.Write(_kept, 0, kept);
            }
        }

        /// <inheritdoc />
        public override void Flush() => inner.Flush();
    }
}

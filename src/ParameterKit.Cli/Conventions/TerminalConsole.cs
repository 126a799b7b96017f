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
    internal sealed class TrailingSpaceTrimmer(TextWriter inner) : TextWriter
    {
        private int _pendingSpaces;

        /// <inheritdoc />
        public override System.Text.Encoding Encoding => inner.Encoding;

        /// <inheritdoc />
        public override void Write(char value)
        {
            if (value == ' ')
            {
                _pendingSpaces++;
                return;
            }
            if (value is not ('\n' or '\r'))
            {
                for (; _pendingSpaces > 0; _pendingSpaces--)
                {
                    inner.Write(' ');
                }
            }
            _pendingSpaces = 0;
            inner.Write(value);
        }

        /// <inheritdoc />
        public override void Write(string? value)
        {
            foreach (char c in value ?? "")
            {
                Write(c);
            }
        }

        /// <inheritdoc />
        public override void Flush() => inner.Flush();
    }
}

using Spectre.Console;

namespace SentimentChat.Commands;

/// <summary>
/// The console the real program writes to. Output redirected to a file or a pipe is not wrapped: Spectre assumes 80
/// columns when it cannot ask a terminal, which would split paths and commands in the middle for whoever reads the
/// file.
/// </summary>
public static class ConsoleSetup
{
    /// <summary>A width no line of this program reaches, used when nobody is looking at a terminal.</summary>
    public const int UnwrappedWidth = 100_000;

    /// <summary>Creates the console over <paramref name="output"/>.</summary>
    /// <param name="output">Standard output.</param>
    /// <param name="redirected">Whether standard output is a file or a pipe.</param>
    public static IAnsiConsole Create(TextWriter output, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = UnwrappedWidth;
        }
        return console;
    }
}

using System.Text;

namespace ParameterKit.CommandLine;

/// <summary>
/// Reads input line by line like <see cref="TextReader.ReadLineAsync(CancellationToken)"/>, but keeps at most
/// <c>maxCharacters</c> of each line (after its leading white space) and drops the rest as it streams past.
/// <see cref="TextReader.ReadLineAsync(CancellationToken)"/> builds the whole line before a chat could cut it:
/// <c>chat &lt; /dev/zero</c>, or one enormous pasted line, grew the process by gigabytes (SentimentChat to 8.5 GB,
/// Gpt2Chat 4 GB in ten seconds) for a message only the start of which is read. Line ends are those of
/// <see cref="TextReader.ReadLine"/>: "\n", "\r" and "\r\n".
/// </summary>
internal sealed class BoundedLineReader
{
    private const int BufferCharacters = 4096;

    private readonly TextReader input;
    private readonly int maxCharacters;
    private readonly char[] buffer = new char[BufferCharacters];
    private int position;
    private int length;

    // A "\r" ended the last line: a "\n" right after it belongs to the same line end, even across buffer refills.
    private bool lineFeedEndsPreviousLine;

    /// <summary>Reads lines from <paramref name="input"/>, keeping at most <paramref name="maxCharacters"/> of each.</summary>
    /// <param name="input">Where lines come from.</param>
    /// <param name="maxCharacters">How many characters of a line to keep, counted after its leading white space.</param>
    public BoundedLineReader(TextReader input, int maxCharacters)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCharacters);
        this.input = input;
        this.maxCharacters = maxCharacters;
    }

    /// <summary>Whether the line last read was longer than the limit, and so cut.</summary>
    public bool LastLineWasCut { get; private set; }

    /// <summary>The next line without its line end, cut to the limit; <see langword="null"/> at the end of input.</summary>
    /// <param name="cancellationToken">Stops waiting for input.</param>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        var kept = new StringBuilder();
        bool sawCharacter = false;
        LastLineWasCut = false;
        while (true)
        {
            if (position == length)
            {
                length = await input.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                position = 0;
                if (length == 0)
                {
                    return sawCharacter ? kept.ToString() : null;
                }
            }
            char c = buffer[position++];
            if (lineFeedEndsPreviousLine)
            {
                lineFeedEndsPreviousLine = false;
                if (c == '\n')
                {
                    continue;
                }
            }
            if (c == '\n')
            {
                return kept.ToString();
            }
            if (c == '\r')
            {
                lineFeedEndsPreviousLine = true;
                return kept.ToString();
            }
            sawCharacter = true;
            // Leading white space is not counted, so a message behind a long indent is still read (the chat trims it).
            if (kept.Length > 0 || !char.IsWhiteSpace(c))
            {
                if (kept.Length < maxCharacters)
                {
                    kept.Append(c);
                }
                else
                {
                    LastLineWasCut = true;
                }
            }
        }
    }
}

using System.Text;

namespace Gpt2Chat;

/// <summary>
/// Standard output that remembers whether its last line is finished. A completion streams token by token, so a
/// failure can strike mid-line; <see cref="EndLine"/> then finishes that line, and the error starts on its own
/// instead of trailing the half-printed text.
/// </summary>
internal sealed class LineTrackingWriter(TextWriter inner) : TextWriter
{
    /// <summary>Whether something has been written since the last newline.</summary>
    public bool MidLine { get; private set; }

    /// <inheritdoc />
    public override Encoding Encoding => inner.Encoding;

    /// <inheritdoc />
    public override void Write(char value)
    {
        inner.Write(value);
        MidLine = value != '\n';
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        inner.Write(value);
        MidLine = value[^1] != '\n';
    }

    /// <summary>Writes a newline if the current line has text on it.</summary>
    public void EndLine()
    {
        if (MidLine)
        {
            Write('\n');
        }
        inner.Flush();
    }

    /// <inheritdoc />
    public override void Flush() => inner.Flush();
}

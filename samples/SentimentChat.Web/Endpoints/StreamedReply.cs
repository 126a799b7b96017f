using System.Text;

namespace SentimentChat.Web.Endpoints;

/// <summary>
/// The reply read so far, never longer than its cap: a model that does not stop (or a hostile server streaming
/// forever) fills it once, and every piece past the cap is dropped instead of kept.
/// </summary>
/// <param name="maxCharacters">The most characters kept.</param>
internal sealed class StreamedReply(int maxCharacters)
{
    /// <summary>Ends a reply that was cut (by the character cap or the time limit), so the customer sees it was.</summary>
    public const string CutMark = " …";

    private readonly StringBuilder _text = new();

    /// <summary>Whether the cap is reached: reading more would only throw it away.</summary>
    public bool Full => _text.Length >= maxCharacters;

    /// <summary>Whether any visible text has arrived (a stream of nothing but whitespace is no reply).</summary>
    public bool HasText
    {
        get
        {
            foreach (var chunk in _text.GetChunks())
            {
                foreach (char c in chunk.Span)
                {
                    if (!char.IsWhiteSpace(c))
                    {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /// <summary>The characters kept so far.</summary>
    public int Length => _text.Length;

    /// <summary>Keeps what fits of <paramref name="piece"/> and returns it (empty once <see cref="Full"/>).</summary>
    public string Add(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        int room = maxCharacters - _text.Length;
        if (room <= 0)
        {
            return string.Empty;
        }
        if (piece.Length > room)
        {
            // Not between the halves of a surrogate pair: the page would show a broken character.
            room -= char.IsHighSurrogate(piece[room - 1]) ? 1 : 0;
            piece = piece[..room];
        }
        _text.Append(piece);
        return piece;
    }

    /// <summary>The reply.</summary>
    public override string ToString() => _text.ToString();
}

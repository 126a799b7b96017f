using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace ParameterKit.Tokenization;

/// <summary>
/// The pre-tokenization a Hugging Face <c>tokenizer.json</c> describes, as a Microsoft.ML.Tokenizers
/// <see cref="PreTokenizer"/>: first the added (special) tokens are cut out whole, then each stage's regex splits every
/// remaining piece with the "Isolated" behaviour (each match is a piece, and so is the text between matches), stage
/// after stage, as the Hub's <c>Sequence</c> pre-tokenizer applies its members. The library's own
/// <see cref="RegexPreTokenizer"/> drops the text between matches and its composite re-splits differently, so the
/// Hub's semantics are kept here; the BPE itself stays the library's.
/// </summary>
internal sealed class SplitPreTokenizer : PreTokenizer
{
    private readonly Regex? _specialTokens;
    private readonly Regex[] _stages;

    public SplitPreTokenizer(IReadOnlyCollection<string> specialTokens, IReadOnlyList<Regex> stages)
    {
        _stages = [.. stages];
        if (specialTokens.Count > 0)
        {
            // Longest first, so "<|im_start|>" wins over a shorter token that is its prefix.
            string alternation = string.Join('|', specialTokens.OrderByDescending(t => t.Length).ThenBy(t => t, StringComparer.Ordinal).Select(Regex.Escape));
            _specialTokens = new Regex(alternation, RegexOptions.CultureInvariant);
        }
    }

    /// <summary>The split stages, in order (tests read them).</summary>
    public IReadOnlyList<Regex> Stages => _stages;

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) =>
        text is null ? [] : PreTokenize(text.AsSpan());

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text)
    {
        var pieces = new List<(int Offset, int Length)>();
        int start = 0;
        if (_specialTokens is not null)
        {
            foreach (ValueMatch special in _specialTokens.EnumerateMatches(text))
            {
                Split(text, start, special.Index - start, 0, pieces);
                pieces.Add((special.Index, special.Length));
                start = special.Index + special.Length;
            }
        }
        Split(text, start, text.Length - start, 0, pieces);
        return pieces;
    }

    /// <summary>Splits <c>text[offset..offset+length]</c> with stage <paramref name="stage"/> and the stages after it.</summary>
    private void Split(ReadOnlySpan<char> text, int offset, int length, int stage, List<(int Offset, int Length)> pieces)
    {
        if (length == 0)
        {
            return;
        }
        if (stage == _stages.Length)
        {
            pieces.Add((offset, length));
            return;
        }
        ReadOnlySpan<char> part = text.Slice(offset, length);
        int at = 0;
        foreach (ValueMatch match in _stages[stage].EnumerateMatches(part))
        {
            if (match.Length == 0)
            {
                continue;
            }
            Split(text, offset + at, match.Index - at, stage + 1, pieces);
            Split(text, offset + match.Index, match.Length, stage + 1, pieces);
            at = match.Index + match.Length;
        }
        Split(text, offset + at, length - at, stage + 1, pieces);
    }
}

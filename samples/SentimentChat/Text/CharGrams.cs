namespace SentimentChat.Text;

/// <summary>
/// The hashed character n-grams of a lower-cased message: every word (a run of letters, digits and apostrophes)
/// framed as <c>&lt;word&gt;</c>, its n-grams for n = 3 to 5, and the framed word itself, in reading order.
/// </summary>
/// <remarks>
/// Framing marks where a word starts and ends, so <c>&lt;re</c> (a prefix) and <c>re&gt;</c> (a suffix) are different features.
/// Words longer than <see cref="MaxWordLength"/> characters (URLs, keyboard mashing) keep only their first
/// characters: they carry little meaning and would otherwise fill the message's n-gram budget.
/// </remarks>
public readonly ref struct CharGrams
{
    /// <summary>Longest word, in characters, whose n-grams are all taken.</summary>
    public const int MaxWordLength = 24;

    private readonly string _text;

    /// <summary>Wraps an already lower-cased text.</summary>
    public CharGrams(string text) => _text = text;

    /// <summary>The enumerator.</summary>
    public Enumerator GetEnumerator() => new(_text);

    /// <summary>Walks the words and their n-grams without allocating.</summary>
    public ref struct Enumerator
    {
        private readonly string _text;
        private int _next;
        private Span<char> _word;
        private int _wordLength;
        private int _n;
        private int _start;
        private readonly char[] _buffer;

        internal Enumerator(string text)
        {
            _text = text;
            _buffer = new char[MaxWordLength + 2];
            _word = _buffer;
            _n = 6;
        }

        /// <summary>The current n-gram's hash.</summary>
        public ulong Current { get; private set; }

        /// <summary>Moves to the next n-gram, or the next word's first.</summary>
        public bool MoveNext()
        {
            while (true)
            {
                if (_n <= 5 && _start + _n <= _wordLength)
                {
                    Current = FeatureHash.Chars(_word.Slice(_start, _n)) ^ (ulong)_n;
                    _start++;
                    return true;
                }
                if (_n <= 5)
                {
                    _n++;
                    _start = 0;
                    continue;
                }
                if (_n == 6 && _wordLength > 0)
                {
                    // The whole framed word, once, after its n-grams.
                    Current = FeatureHash.Chars(_word[.._wordLength]);
                    _wordLength = 0;
                    return true;
                }
                if (!NextWord())
                {
                    return false;
                }
                _n = 3;
                _start = 0;
            }
        }

        private bool NextWord()
        {
            while (_next < _text.Length && !IsWordChar(_text[_next]))
            {
                _next++;
            }
            if (_next == _text.Length)
            {
                return false;
            }
            _word[0] = '<';
            int length = 1;
            while (_next < _text.Length && IsWordChar(_text[_next]))
            {
                if (length <= MaxWordLength)
                {
                    _word[length++] = _text[_next];
                }
                _next++;
            }
            _word[length++] = '>';
            _wordLength = length;
            return true;
        }

        private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '\'' or '’';
    }
}

using FsCheck;
using FsCheck.Fluent;
using ParameterKit.CommandLine;

namespace SentimentChat.Tests;

/// <summary>
/// The chats' line reader (shared by the samples through the command-line conventions): the lines
/// <see cref="TextReader.ReadLine"/> would give, each cut to the limit after its leading white space, without ever
/// holding more of a line than it keeps, and saying which were cut.
/// </summary>
public sealed class BoundedLineReaderTests
{
    // The reference: what the chat did before, reading whole lines, then trimming the start and cutting.
    private static List<(string Line, bool Cut)> ReferenceLines(string text, int limit)
    {
        var lines = new List<(string, bool)>();
        var reader = new StringReader(text);
        while (reader.ReadLine() is { } line)
        {
            string start = line.TrimStart();
            lines.Add(start.Length > limit ? (start[..limit], true) : (start, false));
        }
        return lines;
    }

    private static List<(string Line, bool Cut)> BoundedLines(TextReader input, int limit)
    {
        var reader = new BoundedLineReader(input, limit);
        var lines = new List<(string, bool)>();
        while (ReadNow(reader) is { } line)
        {
            lines.Add((line, reader.LastLineWasCut));
        }
        return lines;
    }

    // Every reader here completes its reads synchronously, so a line is ready as soon as it is asked for.
    private static string? ReadNow(BoundedLineReader reader)
    {
        var line = reader.ReadLineAsync();
        return line.IsCompleted ? line.Result : throw new InvalidOperationException("the read did not complete at once");
    }

    [Fact]
    public void GivesTheLinesReadLineWouldCutAfterLeadingWhiteSpace()
    {
        // Pieces chosen to hit every line end, "\r\n" split across reads, blank lines and white space runs.
        var pieces = Gen.Elements("a", "bc", "quit", " ", "\t", "\n", "\r", "\r\n", "\n\n", "é", "x y");
        var texts = Gen.Choose(0, 60).SelectMany(n => Gen.ArrayOf(pieces, n)).Select(parts => string.Concat(parts));
        Prop.ForAll(texts.ToArbitrary(), Gen.Choose(1, 6).ToArbitrary(), Gen.Choose(1, 5).ToArbitrary(), (text, limit, chunk) =>
        {
            var bounded = BoundedLines(new ChunkedReader(text, chunk), limit);
            return bounded.SequenceEqual(ReferenceLines(text, limit));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void AHundredMillionCharacterLineCostsNoMoreThanItsKeptPart()
    {
        // Before: the whole line was built first (chat < /dev/zero grew to 8.5 GB, then failed).
        const long LineCharacters = 100_000_000;
        var input = new EndlessLineReader(LineCharacters, "\nnext\n");
        var reader = new BoundedLineReader(input, 4000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        string? first = ReadNow(reader);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(new string('z', 4000), first);
        Assert.True(reader.LastLineWasCut);
        Assert.Equal("next", ReadNow(reader));
        Assert.False(reader.LastLineWasCut);
        Assert.Null(ReadNow(reader));
        Assert.True(allocated < 1_000_000, $"{allocated:N0} bytes allocated for one line");
    }

    /// <summary>Hands out at most <c>chunk</c> characters per read, so line ends fall across reads.</summary>
    private sealed class ChunkedReader(string text, int chunk) : TextReader
    {
        private int _position;

        public override int Read(char[] buffer, int index, int count)
        {
            int n = Math.Min(Math.Min(count, chunk), text.Length - _position);
            text.CopyTo(_position, buffer, index, n);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            int n = Math.Min(Math.Min(buffer.Length, chunk), text.Length - _position);
            text.AsSpan(_position, n).CopyTo(buffer.Span);
            _position += n;
            return ValueTask.FromResult(n);
        }
    }

    /// <summary>One line of <c>length</c> letters made on the fly, then a tail; completes every read synchronously.</summary>
    private sealed class EndlessLineReader(long length, string tail) : TextReader
    {
        private long _given;
        private int _tailGiven;

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            if (_given < length)
            {
                int n = (int)Math.Min(buffer.Length, length - _given);
                buffer.Span[..n].Fill('z');
                _given += n;
                return ValueTask.FromResult(n);
            }
            int m = Math.Min(buffer.Length, tail.Length - _tailGiven);
            tail.AsSpan(_tailGiven, m).CopyTo(buffer.Span);
            _tailGiven += m;
            return ValueTask.FromResult(m);
        }
    }
}

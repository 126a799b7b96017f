using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Xunit.Abstractions;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// <c>inspect</c> on a header of 1.5 million tiny tensors (issue #17, item 6): the human view prints a capped
/// number of rows and one summary line with exact totals, <c>--json</c> lists every tensor in a valid document, and
/// either costs a small multiple of the header's length in allocations, however many tensors it lists. The document
/// (about 600 MB) is checked as it streams out, never held.
/// </summary>
public sealed class HugeHeaderTests(ITestOutputHelper output)
{
    /// <summary>
    /// The promise in docs/security.md: <c>inspect</c> allocates at most 8 x N for a header of length N, the
    /// reader's 4 x N included. It must hold for unoptimized code as well (the JIT optimizes late on a busy
    /// machine): run these tests with <c>DOTNET_TC_CallCounting=0</c> to see the worst case.
    /// </summary>
    private const double Bound = 8.0;

    private const int Count = 1_500_000;

    /// <summary>
    /// Block <c>h.{i}</c> holding one U8 tensor of one byte: entries of about 36 bytes, and a block family of 1.5
    /// million blocks for the layer folding to bound.
    /// </summary>
    private static readonly Lazy<byte[]> File = new(() =>
    {
        var json = new StringBuilder(Count * 40).Append('{');
        for (int i = 0; i < Count; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("\"h.").Append(i).Append(".w\":[\"U8\",[1],[").Append(i).Append(',').Append(i + 1).Append("]]");
        }
        byte[] header = Encoding.UTF8.GetBytes(json.Append('}').ToString());
        var file = new byte[8 + header.Length + Count];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file.AsSpan(8));
        return file;
    });

    private static long HeaderLength => File.Value.Length - 8 - Count;

    /// <summary>Runs the tool in-process on this thread against <paramref name="stdout"/>; returns the exit code and the bytes allocated.</summary>
    private (int ExitCode, long Allocated, string Error) Run(TextWriter stdout, params string[] args)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 250;
        var error = new StringWriter();
        long before = GC.GetAllocatedBytesForCurrentThread();
        int code = CliApp.RunAsync(args, console, error).GetAwaiter().GetResult();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"parameterkit {string.Join(' ', args[..^1])}: allocated {allocated:N0} bytes");
        return (code, allocated, error.ToString());
    }

    private void AssertBounded(long allocated)
    {
        output.WriteLine($"N = {HeaderLength:N0} bytes: {(double)allocated / HeaderLength:F2} x N");
        // At least N: the header itself is read on this thread, so the measurement saw the command's work.
        Assert.True(allocated >= HeaderLength, $"allocated {allocated} bytes, less than the header: the work ran on another thread");
        Assert.True(allocated <= Bound * HeaderLength, $"allocated {allocated} bytes for a {HeaderLength}-byte header ({(double)allocated / HeaderLength:F2} x N)");
    }

    [Fact]
    public void The_human_view_of_a_million_and_a_half_tensors_is_capped_with_exact_totals_and_bounded_allocation()
    {
        using var folder = new TempFolder();
        string path = folder.File("huge.safetensors");
        System.IO.File.WriteAllBytes(path, File.Value);
        var stdout = new StringWriter();
        (int code, long allocated, string error) = Run(stdout, "inspect", "--tensors", path);

        Assert.True(code == 0, error);
        string text = stdout.ToString();
        Assert.Contains("Total parameters: 1,500,000 in 1,500,000 tensors", text, StringComparison.Ordinal);
        Assert.Contains("h.1999.w", text, StringComparison.Ordinal);
        Assert.DoesNotContain("h.2000.w", text, StringComparison.Ordinal);
        Assert.Contains("... 1,498,000 more tensors not shown, holding 1,498,000 parameters (the first 2,000 are; --json lists all 1,500,000)",
            text, StringComparison.Ordinal);
        // The layer table: the first 100,000 blocks fold into one row, the rest is one summed row.
        Assert.Contains("h.0 .. h.99999", text, StringComparison.Ordinal);
        Assert.Contains("... 1,400,000 more tensors, past the first 100,000 modules and blocks", text, StringComparison.Ordinal);
        Assert.True(text.Split('\n').Length < 2_200, $"printed {text.Split('\n').Length} lines");
        AssertBounded(allocated);
    }

    [Fact]
    public void The_json_of_a_million_and_a_half_tensors_is_complete_valid_and_streamed_in_bounded_allocation()
    {
        using var folder = new TempFolder();
        string path = folder.File("huge.safetensors");
        System.IO.File.WriteAllBytes(path, File.Value);
        var check = new StreamingJsonCheck();
        (int code, long allocated, string error) = Run(check, "inspect", "--json", path);

        Assert.True(code == 0, error);
        check.Finish();
        Assert.Equal(Count, check.Tensors);
        Assert.Equal(Count, check.TotalParameters);
        AssertBounded(allocated);
    }

    [Fact]
    public void A_shape_of_ten_million_dimensions_is_a_one_line_limit_error_in_bounded_allocation()
    {
        // The reader caps a shape's rank (SafeTensorsHeader.MaxRank); the tool reports its refusal like any rejected file.
        string header = "{\"deep\":[\"U8\",[" + string.Join(",", Enumerable.Repeat("1", 10_000_000)) + "],[0,1]]}";
        byte[] text = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + text.Length + 1];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)text.Length);
        text.CopyTo(file.AsSpan(8));
        using var folder = new TempFolder();
        string path = folder.File("deep.safetensors");
        System.IO.File.WriteAllBytes(path, file);

        foreach (string[] args in new[] { new[] { "inspect", "--json", path }, ["inspect", "--tensors", path] })
        {
            var stdout = new StringWriter();
            (int code, long allocated, string error) = Run(stdout, args);
            Assert.Equal(2, code);
            Assert.Equal("", stdout.ToString());
            Assert.Contains(args[1] == "--json" ? "\"kind\":\"LimitExceeded\"" : "exceeds a limit ParameterKit sets on shapes", error, StringComparison.Ordinal);
            Assert.Contains("deep", error, StringComparison.Ordinal);
            Assert.Single(error.TrimEnd('\n').Split('\n'));
            output.WriteLine($"N = {text.Length:N0} bytes: {(double)allocated / text.Length:F2} x N");
            Assert.True(allocated <= Bound * text.Length, $"allocated {allocated} bytes for a {text.Length}-byte header");
        }
    }

    /// <summary>
    /// Standard output that parses the <c>inspect --json</c> document as it arrives (a <see cref="Utf8JsonReader"/>
    /// carried across writes), keeping only the bytes of the token in progress: it checks that the document is valid
    /// JSON, counts the <c>tensors</c> entries and checks each one's name in order (<c>h.0.w</c>, <c>h.1.w</c>, ...).
    /// Allocates nothing per write once its buffers have grown, so the command's allocations are what is measured.
    /// </summary>
    private sealed class StreamingJsonCheck : TextWriter
    {
        private readonly Encoder _encoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetEncoder();
        private byte[] _pending = new byte[1 << 20];
        private int _pendingLength;
        private JsonReaderState _state;
        private bool _inTensors, _nextIsName, _nextIsTotal;
        private readonly byte[] _expectedName = new byte[32];

        public override Encoding Encoding => Encoding.UTF8;

        public int Tensors { get; private set; }

        public long TotalParameters { get; private set; } = -1;

        public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

        public override void Write(string? value) => Write(value.AsSpan());

        public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

        public override void Write(ReadOnlySpan<char> chars)
        {
            int needed = _pendingLength + _encoder.GetByteCount(chars, flush: false);
            if (needed > _pending.Length)
            {
                Array.Resize(ref _pending, Math.Max(needed, 2 * _pending.Length));
            }
            _pendingLength += _encoder.GetBytes(chars, _pending.AsSpan(_pendingLength), flush: false);
            Parse(isFinalBlock: false);
        }

        /// <summary>Parses what is left as the end of the document: throws unless it was complete.</summary>
        public void Finish()
        {
            Parse(isFinalBlock: true);
            Assert.Equal(0, _pendingLength);
        }

        private void Parse(bool isFinalBlock)
        {
            var reader = new Utf8JsonReader(_pending.AsSpan(0, _pendingLength), isFinalBlock, _state);
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                        _inTensors = reader.ValueTextEquals("tensors"u8);
                        _nextIsTotal = reader.ValueTextEquals("total_parameters"u8);
                        break;
                    case JsonTokenType.Number when _nextIsTotal:
                        TotalParameters = reader.GetInt64();
                        _nextIsTotal = false;
                        break;
                    case JsonTokenType.StartObject when _inTensors && reader.CurrentDepth == 2:
                        Tensors++;
                        break;
                    case JsonTokenType.PropertyName when _inTensors && reader.CurrentDepth == 3:
                        _nextIsName = reader.ValueTextEquals("name"u8);
                        break;
                    case JsonTokenType.String when _nextIsName:
                        _nextIsName = false;
                        "h."u8.CopyTo(_expectedName);
                        (Tensors - 1).TryFormat(_expectedName.AsSpan(2), out int digits, default, System.Globalization.CultureInfo.InvariantCulture);
                        ".w"u8.CopyTo(_expectedName.AsSpan(2 + digits));
                        if (!reader.ValueTextEquals(_expectedName.AsSpan(0, 4 + digits)))
                        {
                            Assert.Fail($"tensor {Tensors - 1} is named '{reader.GetString()}', not 'h.{Tensors - 1}.w'");
                        }
                        break;
                }
            }
            int consumed = (int)reader.BytesConsumed;
            _pending.AsSpan(consumed, _pendingLength - consumed).CopyTo(_pending);
            _pendingLength -= consumed;
            _state = reader.CurrentState;
        }
    }
}

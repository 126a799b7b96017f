using System.Buffers.Binary;
using System.Text.Unicode;

namespace ParameterKit.SafeTensors;

/// <summary>
/// A validated safetensors header: the tensors' names, dtypes, shapes and offsets and the <c>__metadata__</c>
/// map, without any tensor data. Obtain one from a memory-mapped <see cref="SafeTensorsFile"/>, or read it from
/// the first bytes of a stream or of any ranged source (an HTTP range request) to inspect a checkpoint without
/// downloading it.
/// </summary>
/// <remarks>
/// Every way of reading validates exactly as the reference crate's <c>SafeTensors::read_metadata</c>, in the
/// same order, and fails with <see cref="SafeTensorsFormatException"/> carrying the crate's error kind. N is checked
/// against <see cref="MaxHeaderSize"/> before anything is read; the header is read whole (N bytes), and what is
/// built from it is bounded by a small multiple of N (docs/security.md states the measured factor). Two limits go
/// beyond the crate to keep that bound: <see cref="MaxRank"/> and <see cref="MaxMetadataEntries"/>
/// (<see cref="SafeTensorsErrorKind.LimitExceeded"/>).
/// </remarks>
/// <example>
/// Counting the parameters of a remote checkpoint from its first bytes:
/// <code>
/// using var http = new HttpRangeSource(new HttpClient(), uri);
/// SafeTensorsHeader header = await http.ReadHeaderAsync();
/// CheckpointCount count = CheckpointCounter.Count(header.Tensors);
/// </code>
/// </example>
public sealed class SafeTensorsHeader
{
    /// <summary>The largest header the reference crate accepts: 100,000,000 bytes.</summary>
    public const ulong MaxHeaderSize = 100_000_000;

    /// <summary>
    /// The most dimensions a tensor's shape may have: 64. The format sets no limit, but no model uses more than a
    /// handful (PyTorch's own kernels stop at 25), and a 100 MB header could otherwise hold one shape of 50 million
    /// dimensions that every caller formatting or copying shapes would pay for. A deeper shape is
    /// <see cref="SafeTensorsErrorKind.LimitExceeded"/>, a limit beyond the reference crate's.
    /// </summary>
    public const int MaxRank = 64;

    /// <summary>
    /// The most <c>__metadata__</c> entries a header may have: 65,536. Real files carry a handful (<c>format</c>,
    /// sometimes a config); millions of tiny entries would cost many times the header's size in strings and
    /// dictionary slots. More is <see cref="SafeTensorsErrorKind.LimitExceeded"/>, a limit beyond the reference crate's.
    /// </summary>
    public const int MaxMetadataEntries = 65_536;

    private readonly Dictionary<string, SafeTensorInfo> _byName;

    private SafeTensorsHeader(string? source, ulong headerLength, ulong fileLength, SafeTensorInfo[] tensors,
        IReadOnlyDictionary<string, string>? metadata)
    {
        Source = source;
        HeaderLength = headerLength;
        FileLength = fileLength;
        Tensors = tensors;
        Metadata = metadata;
        _byName = new Dictionary<string, SafeTensorInfo>(tensors.Length, StringComparer.Ordinal);
        foreach (SafeTensorInfo t in tensors)
        {
            _byName[t.Name] = t;
        }
    }

    /// <summary>The file or source the header was read from (used in error messages), if known.</summary>
    public string? Source { get; }

    /// <summary>N: the header's length in bytes, as stored in the first 8 bytes of the file.</summary>
    public ulong HeaderLength { get; }

    /// <summary>The file offset where the byte buffer (tensor data) begins: <c>8 + N</c>.</summary>
    public ulong DataStart => 8 + HeaderLength;

    /// <summary>The total file length the header was validated against.</summary>
    public ulong FileLength { get; }

    /// <summary>Every tensor, in data-offset order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map in header order, or <see langword="null"/> when absent or JSON null.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; }

    /// <summary>Looks a tensor up by name.</summary>
    /// <param name="name">The tensor's exact name.</param>
    /// <param name="info">The tensor, when found.</param>
    /// <returns><see langword="true"/> when the header has a tensor named <paramref name="name"/>.</returns>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafeTensorInfo? info) =>
        _byName.TryGetValue(name, out info);

    /// <summary>Returns the tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor's exact name.</param>
    /// <exception cref="SafeTensorsFormatException">No such tensor (<see cref="SafeTensorsErrorKind.TensorNotFound"/>).</exception>
    public SafeTensorInfo GetTensor(string name) => TryGetTensor(name, out SafeTensorInfo? info)
        ? info
        : throw new SafeTensorsFormatException(SafeTensorsErrorKind.TensorNotFound, Source, name, "no tensor of this name in the header");

    /// <summary>
    /// Validates and parses a header from the beginning of a file.
    /// </summary>
    /// <param name="prefix">The file's first bytes: at least <c>min(8 + N, fileLength)</c> of them (more is fine).</param>
    /// <param name="fileLength">The total length of the file, needed for the length and coverage checks.</param>
    /// <param name="source">A file name or URL for error messages.</param>
    /// <exception cref="SafeTensorsFormatException">The header is rejected; <see cref="SafeTensorsFormatException.Kind"/> says why.</exception>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is shorter than the header it announces.</exception>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> prefix, ulong fileLength, string? source = null)
    {
        ulong n = CheckLengthPrefix(prefix, fileLength, source);
        if ((ulong)prefix.Length < 8 + n)
        {
            throw new ArgumentException($"The prefix holds {prefix.Length} bytes but the header needs {8 + n}.", nameof(prefix));
        }
        return ParseHeaderBytes(prefix.Slice(8, (int)n), n, fileLength, source);
    }

    /// <summary>
    /// Reads the header of a local file through a plain stream, reading only its first 8 + N bytes and mapping
    /// nothing. A file the file system reports as 0 bytes long (an empty file, or a FIFO, device or socket, which
    /// could block a reader forever) is refused without being opened.
    /// </summary>
    /// <param name="path">The <c>.safetensors</c> file.</param>
    /// <exception cref="SafeTensorsFormatException">The header is rejected, or the file reports 0 bytes (<see cref="SafeTensorsErrorKind.HeaderTooSmall"/>).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static SafeTensorsHeader ReadFile(string path)
    {
        // ReadWrite sharing: reading a header never conflicts with a writer, and an unbuffered stream reads exactly 8 + N bytes.
        using FileStream stream = RegularFile.OpenRead(path, SafeTensorsErrorKind.HeaderTooSmall, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        return Read(stream, source: path);
    }

    /// <summary>
    /// Reads the header from the beginning of <paramref name="stream"/> (reading only 8 + N bytes).
    /// </summary>
    /// <param name="stream">A stream positioned at the start of a safetensors file.</param>
    /// <param name="fileLength">The file's total length; defaults to <see cref="Stream.Length"/> for seekable streams.</param>
    /// <param name="source">A file name or URL for error messages.</param>
    /// <exception cref="SafeTensorsFormatException">The header is rejected.</exception>
    /// <exception cref="ArgumentException">The stream is not seekable and no <paramref name="fileLength"/> was given.</exception>
    /// <exception cref="EndOfStreamException">The stream ended before the length it announced.</exception>
    public static SafeTensorsHeader Read(Stream stream, ulong? fileLength = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ulong length = fileLength ?? (stream.CanSeek
            ? (ulong)(stream.Length - stream.Position)
            : throw new ArgumentException("A non-seekable stream needs an explicit file length.", nameof(fileLength)));
        // The ranged reader asks for [0, 8) and then [8, 8 + N), in order, so reading sequentially serves both.
        return Read((offset, count) =>
        {
            var buffer = new byte[count];
            stream.ReadExactly(buffer);
            return buffer;
        }, length, source);
    }

    /// <summary>
    /// Reads the header through a ranged source: <paramref name="readRange"/>(offset, length) returns exactly
    /// <c>length</c> bytes starting at <c>offset</c>. It is called twice, for bytes [0, 8) and [8, 8 + N).
    /// </summary>
    /// <param name="readRange">Returns the requested bytes of the file.</param>
    /// <param name="fileLength">The file's total length.</param>
    /// <param name="source">A file name or URL for error messages.</param>
    /// <exception cref="SafeTensorsFormatException">The header is rejected.</exception>
    /// <exception cref="EndOfStreamException">The source returned fewer bytes than requested.</exception>
    public static SafeTensorsHeader Read(Func<long, int, byte[]> readRange, ulong fileLength, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(readRange);
        int prefixLength = (int)Math.Min(8UL, fileLength);
        byte[] prefix = Exactly(readRange(0, prefixLength), prefixLength, source);
        ulong n = CheckLengthPrefix(prefix, fileLength, source);
        byte[] header = Exactly(readRange(8, (int)n), (int)n, source);
        return ParseHeaderBytes(header, n, fileLength, source);
    }

    /// <summary>
    /// Reads the header through an asynchronous ranged source, such as HTTP range requests
    /// (see <see cref="HttpRangeSource"/>). Only bytes [0, 8 + N) are requested.
    /// </summary>
    /// <param name="readRange">Returns exactly the requested bytes: (offset, length, cancellation) to bytes.</param>
    /// <param name="fileLength">The file's total length.</param>
    /// <param name="source">A file name or URL for error messages.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="SafeTensorsFormatException">The header is rejected.</exception>
    /// <exception cref="EndOfStreamException">The source returned fewer bytes than requested.</exception>
    public static async ValueTask<SafeTensorsHeader> ReadAsync(
        Func<long, int, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> readRange, ulong fileLength,
        string? source = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(readRange);
        int prefixLength = (int)Math.Min(8UL, fileLength);
        ReadOnlyMemory<byte> prefix = Exactly(await readRange(0, prefixLength, cancellationToken).ConfigureAwait(false), prefixLength, source);
        ulong n = CheckLengthPrefix(prefix.Span, fileLength, source);
        ReadOnlyMemory<byte> header = Exactly(await readRange(8, (int)n, cancellationToken).ConfigureAwait(false), (int)n, source);
        return ParseHeaderBytes(header.Span, n, fileLength, source);
    }

    /// <summary>Steps 1-3: enough bytes for N, N within the limit (before the length check), header inside the file.</summary>
    internal static ulong CheckLengthPrefix(ReadOnlySpan<byte> prefix, ulong fileLength, string? source)
    {
        if (fileLength < 8 || prefix.Length < 8)
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.HeaderTooSmall, source, null,
                $"the file is {fileLength} bytes long, shorter than the 8-byte header length");
        }
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > MaxHeaderSize)
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.HeaderTooLarge, source, null,
                $"the header length {n} exceeds the limit of {MaxHeaderSize} bytes");
        }
        if (8 + n > fileLength)
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidHeaderLength, source, null,
                $"the header length {n} plus 8 exceeds the file length {fileLength}");
        }
        return n;
    }

    /// <summary>Steps 4-7: strict UTF-8, the JSON, then offsets, sizes and coverage.</summary>
    internal static SafeTensorsHeader ParseHeaderBytes(ReadOnlySpan<byte> header, ulong n, ulong fileLength, string? source)
    {
        if (!Utf8.IsValid(header))
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidHeader, source, null,
                "the header is not valid UTF-8");
        }
        (OrderedDictionary<string, string>? metadata, List<HeaderJsonParser.Entry> entries) = HeaderJsonParser.Parse(header, source);
        SafeTensorInfo[] tensors = HeaderValidator.Validate(entries, header, n, fileLength, source);
        return new SafeTensorsHeader(source, n, fileLength, tensors, metadata);
    }

    private static byte[] Exactly(byte[] bytes, int expected, string? source) =>
        bytes.Length == expected ? bytes : throw ShortRead(bytes.Length, expected, source);

    private static ReadOnlyMemory<byte> Exactly(ReadOnlyMemory<byte> bytes, int expected, string? source) =>
        bytes.Length == expected ? bytes : throw ShortRead(bytes.Length, expected, source);

    private static EndOfStreamException ShortRead(int actual, int expected, string? source) =>
        new($"The source {source} returned {actual} bytes where {expected} were requested.");
}

using System.Buffers.Binary;
using System.Text;
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
/// using var client = new HttpClient();
/// SafeTensorsHeader header = await new HttpRangeSource(client, uri).ReadHeaderAsync();
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

    private readonly TensorTable _table;
    private IReadOnlyDictionary<string, string>? _metadata;

    /// <summary>
    /// Each tensor's info once made (8 bytes a tensor until then), so that asking twice gives the same object, as
    /// callers that compare infos by reference expect.
    /// </summary>
    private readonly SafeTensorInfo?[] _infos;

    private SafeTensorsHeader(string? source, ulong headerLength, ulong fileLength, TensorTable table)
    {
        Source = source;
        HeaderLength = headerLength;
        FileLength = fileLength;
        _table = table;
        _infos = new SafeTensorInfo?[table.Count];
        Tensors = new TensorList(this);
    }

    /// <summary>The lean storage the <see cref="SafeTensorInfo"/> views read from.</summary>
    internal TensorTable Table => _table;

    /// <summary>The file or source the header was read from (used in error messages), if known.</summary>
    public string? Source { get; }

    /// <summary>N: the header's length in bytes, as stored in the first 8 bytes of the file.</summary>
    public ulong HeaderLength { get; }

    /// <summary>The file offset where the byte buffer (tensor data) begins: <c>8 + N</c>.</summary>
    public ulong DataStart => 8 + HeaderLength;

    /// <summary>The total file length the header was validated against.</summary>
    public ulong FileLength { get; }

    /// <summary>Every tensor, in data-offset order.</summary>
    /// <remarks>
    /// The header stores its tensors compactly; each <see cref="SafeTensorInfo"/> is made the first time the list
    /// (or <see cref="TryGetTensor"/>) reaches it, and is the same object every time after.
    /// </remarks>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map in header order, or <see langword="null"/> when absent or JSON null.</summary>
    /// <remarks>Built from the header text the first time it is read (reading a header costs nothing per entry).</remarks>
    public IReadOnlyDictionary<string, string>? Metadata
    {
        get
        {
            if (_metadata is null && _table.MetadataStart >= 0)
            {
                Interlocked.CompareExchange(ref _metadata, HeaderJsonParser.ReadMetadata(_table.Json.Span, _table.MetadataStart), null);
            }
            return _metadata;
        }
    }

    /// <summary>Looks a tensor up by name.</summary>
    /// <param name="name">The tensor's exact name.</param>
    /// <param name="info">The tensor, when found.</param>
    /// <returns><see langword="true"/> when the header has a tensor named <paramref name="name"/>.</returns>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafeTensorInfo? info)
    {
        ArgumentNullException.ThrowIfNull(name);
        int index = Find(name);
        info = index < 0 ? null : InfoAt(index, name);
        return index >= 0;
    }

    /// <summary>
    /// The tensor at <paramref name="index"/> as an entry read in place: nothing is allocated or kept, unlike the
    /// <see cref="SafeTensorInfo"/> that <see cref="Tensors"/> makes and keeps for each tensor it reaches. Use it to
    /// walk headers whose tensors may number in the millions.
    /// </summary>
    /// <param name="index">A position in <see cref="Tensors"/> (data-offset order).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a tensor's position.</exception>
    public SafeTensorEntry GetEntry(int index) => (uint)index < (uint)_table.Count
        ? new SafeTensorEntry(_table, index)
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"The header has {_table.Count} tensors.");

    /// <summary>Looks a tensor up by name, as <see cref="TryGetTensor"/> does, without making a <see cref="SafeTensorInfo"/>.</summary>
    /// <param name="name">The tensor's exact name.</param>
    /// <param name="entry">The tensor, when found.</param>
    /// <returns><see langword="true"/> when the header has a tensor named <paramref name="name"/>.</returns>
    public bool TryGetEntry(string name, out SafeTensorEntry entry)
    {
        ArgumentNullException.ThrowIfNull(name);
        int index = Find(name);
        entry = index < 0 ? default : new SafeTensorEntry(_table, index);
        return index >= 0;
    }

    /// <summary>The position of the tensor named <paramref name="name"/>, or -1.</summary>
    private int Find(string name)
    {
        int maxBytes = Encoding.UTF8.GetMaxByteCount(name.Length);
        Span<byte> utf8 = maxBytes <= 512 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        // A string with a lone surrogate has no UTF-8 form, so no tensor (all names are valid UTF-8) can match it.
        return Utf8.FromUtf16(name, utf8, out _, out int written, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done
            ? _table.Find(utf8[..written])
            : -1;
    }

    /// <summary>The info of the tensor at <paramref name="index"/>, made once.</summary>
    private SafeTensorInfo InfoAt(int index, string? name = null)
    {
        SafeTensorInfo? info = Volatile.Read(ref _infos[index]);
        if (info is null)
        {
            info = new SafeTensorInfo(this, index, name);
            info = Interlocked.CompareExchange(ref _infos[index], info, null) ?? info;
        }
        return info;
    }

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
        // The header keeps its text (names and shapes are read from it), so it copies the caller's bytes once.
        return ParseHeaderBytes(prefix.Slice(8, (int)n).ToArray(), n, fileLength, source);
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
        }, length, source, ownsBuffers: true);
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
    public static SafeTensorsHeader Read(Func<long, int, byte[]> readRange, ulong fileLength, string? source = null) =>
        Read(readRange, fileLength, source, ownsBuffers: false);

    /// <summary>As the public overload.</summary>
    /// <param name="readRange">Returns the requested bytes of the file.</param>
    /// <param name="fileLength">The file's total length.</param>
    /// <param name="source">A file name or URL for error messages.</param>
    /// <param name="ownsBuffers">Whether <paramref name="readRange"/> returns arrays nobody else holds, which the
    /// header may then keep; a caller's arrays are copied, since the caller may reuse them.</param>
    private static SafeTensorsHeader Read(Func<long, int, byte[]> readRange, ulong fileLength, string? source, bool ownsBuffers)
    {
        ArgumentNullException.ThrowIfNull(readRange);
        int prefixLength = (int)Math.Min(8UL, fileLength);
        byte[] prefix = Exactly(readRange(0, prefixLength), prefixLength, source);
        ulong n = CheckLengthPrefix(prefix, fileLength, source);
        byte[] header = Exactly(readRange(8, (int)n), (int)n, source);
        return ParseHeaderBytes(ownsBuffers ? header : header.AsSpan().ToArray(), n, fileLength, source);
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
        string? source = null, CancellationToken cancellationToken = default) =>
        await ReadAsync(readRange, fileLength, source, ownsBuffers: false, cancellationToken).ConfigureAwait(false);

    /// <summary>As the public overload; <paramref name="ownsBuffers"/> says the returned memory is the header's to keep.</summary>
    internal static async ValueTask<SafeTensorsHeader> ReadAsync(
        Func<long, int, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> readRange, ulong fileLength,
        string? source, bool ownsBuffers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readRange);
        int prefixLength = (int)Math.Min(8UL, fileLength);
        ReadOnlyMemory<byte> prefix = Exactly(await readRange(0, prefixLength, cancellationToken).ConfigureAwait(false), prefixLength, source);
        ulong n = CheckLengthPrefix(prefix.Span, fileLength, source);
        ReadOnlyMemory<byte> header = Exactly(await readRange(8, (int)n, cancellationToken).ConfigureAwait(false), (int)n, source);
        return ParseHeaderBytes(ownsBuffers ? header : header.ToArray(), n, fileLength, source);
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
    /// <param name="header">The header text, which the returned header keeps (its names and shapes are read from it).</param>
    /// <param name="n">N, the header length field.</param>
    /// <param name="fileLength">The total length of the file.</param>
    /// <param name="source">A file name or URL for error messages.</param>
    internal static SafeTensorsHeader ParseHeaderBytes(ReadOnlyMemory<byte> header, ulong n, ulong fileLength, string? source)
    {
        if (!Utf8.IsValid(header.Span))
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidHeader, source, null,
                "the header is not valid UTF-8");
        }
        TensorTable table = HeaderJsonParser.Parse(header, source);
        HeaderValidator.Validate(table, n, fileLength, source);
        return new SafeTensorsHeader(source, n, fileLength, table);
    }

    /// <summary>The tensors as a list, each <see cref="SafeTensorInfo"/> made when asked for.</summary>
    private sealed class TensorList(SafeTensorsHeader header) : IReadOnlyList<SafeTensorInfo>
    {
        public int Count => header._table.Count;

        public SafeTensorInfo this[int index] => (uint)index < (uint)Count
            ? header.InfoAt(index)
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"The header has {Count} tensors.");

        public IEnumerator<SafeTensorInfo> GetEnumerator()
        {
            for (int i = 0; i < Count; i++)
            {
                yield return header.InfoAt(i);
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static byte[] Exactly(byte[] bytes, int expected, string? source) =>
        bytes.Length == expected ? bytes : throw ShortRead(bytes.Length, expected, source);

    private static ReadOnlyMemory<byte> Exactly(ReadOnlyMemory<byte> bytes, int expected, string? source) =>
        bytes.Length == expected ? bytes : throw ShortRead(bytes.Length, expected, source);

    private static EndOfStreamException ShortRead(int actual, int expected, string? source) =>
        new($"The source {source} returned {actual} bytes where {expected} were requested.");
}

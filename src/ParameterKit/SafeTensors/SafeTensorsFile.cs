using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.SafeTensors;

/// <summary>
/// A safetensors file opened through a read-only memory map. Opening validates the header exactly as the
/// reference crate does and reads nothing else; tensor bytes are read lazily, straight from the page cache.
/// </summary>
/// <remarks>
/// <para>
/// <b>Lifetime.</b> <see cref="GetBytes(SafeTensorInfo)"/> returns a zero-copy span over the map and
/// <see cref="GetMemory(SafeTensorInfo)"/> a zero-copy memory. Both are valid only until the file is disposed:
/// after <see cref="Dispose"/> the map is gone, every accessor throws <see cref="ObjectDisposedException"/>
/// (including <c>GetMemory(...).Span</c>), and a span obtained earlier must not be used. Keep the file alive
/// (a <c>using</c> block) for as long as you read from its views.
/// </para>
/// <para>
/// <b>Alignment.</b> Tensor data need not be aligned (the format does not require it, and a tensor following a
/// 1-byte tensor starts at an odd address). Views are bytes; the conversion methods read unaligned.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using var file = SafeTensorsFile.Open("model.safetensors");
/// foreach (SafeTensorInfo t in file.Tensors) Console.WriteLine(t);
/// float[] wte = file.ReadSingles("wte.weight");
/// </code>
/// </example>
public sealed unsafe class SafeTensorsFile : IDisposable
{
    private readonly ReadOnlyMapping _mapping;
    private volatile bool _disposed;

    private SafeTensorsFile(string path, ReadOnlyMapping mapping, SafeTensorsHeader header)
    {
        FilePath = path;
        _mapping = mapping;
        Header = header;
    }

    /// <summary>The path the file was opened from.</summary>
    public string FilePath { get; }

    /// <summary>The validated header.</summary>
    public SafeTensorsHeader Header { get; }

    /// <summary>Every tensor, in data-offset order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors => Header.Tensors;

    /// <summary>The <c>__metadata__</c> map, or <see langword="null"/> when absent.</summary>
    public IReadOnlyDictionary<string, string>? Metadata => Header.Metadata;

    /// <summary>
    /// Memory-maps <paramref name="path"/> read-only and validates its header. No tensor data is read.
    /// </summary>
    /// <param name="path">The <c>.safetensors</c> file.</param>
    /// <exception cref="SafeTensorsFormatException">The file is rejected; the kind is the reference crate's error.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <remarks>
    /// <para>
    /// A file the file system reports as 0 bytes long is refused (<see cref="SafeTensorsErrorKind.HeaderTooSmall"/>)
    /// without being opened: that includes every FIFO, device and socket, which a reader could otherwise block on
    /// forever.
    /// </para>
    /// <para>
    /// <b>What cannot be caught.</b> The map reads the file's pages lazily. If another process truncates the file
    /// while it is mapped, touching a page past the new end raises SIGBUS, which .NET reports as a fatal
    /// <see cref="AccessViolationException"/>: the process ends, and no <c>catch</c> can intercept it. Never
    /// rewrite a checkpoint in place while it may be open; replace it atomically, as
    /// <see cref="SafeTensorsWriter.Save(string)"/> does (write a temporary file, then rename it over the old one;
    /// a reader keeps the old file's pages until it closes it). Headers are validated at open and every view stays
    /// within the length seen then, so a file that only grows, or is replaced by rename, is safe.
    /// </para>
    /// </remarks>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        // FileShare.Delete lets an atomic save rename a new checkpoint over this one while it is mapped.
        FileStream stream = RegularFile.OpenRead(path, SafeTensorsErrorKind.HeaderTooSmall);
        long length = stream.Length;
        if (length < 8)
        {
            // An empty file cannot be mapped at all; the crate's answer is HeaderTooSmall either way.
            stream.Dispose();
            SafeTensorsHeader.CheckLengthPrefix([], (ulong)length, path);
        }

        ReadOnlyMapping mapping = ReadOnlyMapping.Create(stream);
        try
        {
            ReadOnlySpan<byte> all = mapping.Prefix;
            ulong n = SafeTensorsHeader.CheckLengthPrefix(all, (ulong)length, path);
            // The header keeps its text (names and shapes are read from it), so it is copied out of the map once.
            SafeTensorsHeader header = SafeTensorsHeader.ParseHeaderBytes(all.Slice(8, (int)n).ToArray(), n, (ulong)length, path);
            return new SafeTensorsFile(path, mapping, header);
        }
        catch
        {
            mapping.Dispose();
            throw;
        }
    }

    /// <summary>Returns the tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor's exact name.</param>
    /// <exception cref="SafeTensorsFormatException">No such tensor (<see cref="SafeTensorsErrorKind.TensorNotFound"/>).</exception>
    public SafeTensorInfo GetTensor(string name) => Header.GetTensor(name);

    /// <summary>The raw little-endian bytes of the tensor named <paramref name="name"/>, zero-copy.</summary>
    /// <param name="name">The tensor's exact name.</param>
    /// <exception cref="SafeTensorsFormatException">No such tensor.</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public ReadOnlySpan<byte> GetBytes(string name) => GetBytes(GetTensor(name));

    /// <summary>
    /// The raw little-endian bytes of <paramref name="tensor"/>, zero-copy over the memory map. Valid until the
    /// file is disposed.
    /// </summary>
    /// <param name="tensor">A tensor of this file.</param>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    /// <exception cref="ArgumentException">The tensor does not belong to this file.</exception>
    /// <exception cref="NotSupportedException">The tensor is larger than 2 GB, the most a span can cover (read it in windows).</exception>
    public ReadOnlySpan<byte> GetBytes(SafeTensorInfo tensor)
    {
        byte* start = Locate(tensor, out int length);
        return new ReadOnlySpan<byte>(start, length);
    }

    /// <summary>
    /// A window of <paramref name="tensor"/>'s bytes, zero-copy: how to read tensors larger than the 2 GB a single
    /// span can cover, in pieces. Valid until the file is disposed.
    /// </summary>
    /// <param name="tensor">A tensor of this file.</param>
    /// <param name="start">The first byte of the window, relative to the tensor's start.</param>
    /// <param name="length">The window's length in bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException">The window does not lie within the tensor.</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public ReadOnlySpan<byte> GetBytes(SafeTensorInfo tensor, ulong start, int length)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (start > tensor.ByteLength || (ulong)length > tensor.ByteLength - start)
        {
            throw new ArgumentOutOfRangeException(nameof(length),
                $"Bytes [{start}, {start + (ulong)length}) are outside tensor '{tensor.Name}' ({tensor.ByteLength} bytes) in '{FilePath}'.");
        }
        byte* first = Start(tensor);
        return new ReadOnlySpan<byte>(first + start, length);
    }

    /// <summary>
    /// The tensor's bytes as a <see cref="ReadOnlyMemory{T}"/> over the map: zero-copy and storable, and after
    /// <see cref="Dispose"/> its <c>Span</c> throws <see cref="ObjectDisposedException"/> instead of reading
    /// unmapped memory.
    /// </summary>
    /// <param name="tensor">A tensor of this file.</param>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public ReadOnlyMemory<byte> GetMemory(SafeTensorInfo tensor)
    {
        byte* start = Locate(tensor, out int length);
        return new MappedMemoryManager(this, start, length).Memory;
    }

    /// <summary>Converts a tensor to float32 (see <see cref="ElementConversion.ToSingle"/> for the dtypes).</summary>
    /// <param name="tensor">A tensor of this file.</param>
    /// <param name="destination">Receives <see cref="SafeTensorInfo.ElementCount"/> values.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    /// <exception cref="NotSupportedException">The dtype has no float32 conversion (C64, F4, F6).</exception>
    public void ConvertToSingle(SafeTensorInfo tensor, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if ((ulong)destination.Length != tensor.ElementCount)
        {
            throw new ArgumentException(
                $"Tensor '{tensor.Name}' in '{FilePath}' has {tensor.ElementCount} elements but the destination holds {destination.Length}.",
                nameof(destination));
        }
        if (!ElementConversion.CanConvertToSingle(tensor.DType))
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' in '{FilePath}' is {tensor.DType.SafeTensorsName()}, which has no conversion to float32.");
        }
        // In windows of at most 2^27 elements (1 GiB of 8-byte values), so tensors beyond the 2 GB a span can
        // cover convert too.
        int size = tensor.DType.BitSize() / 8;
        const int WindowElements = 1 << 27;
        for (int done = 0; done < destination.Length; done += WindowElements)
        {
            int count = Math.Min(WindowElements, destination.Length - done);
            ElementConversion.ToSingle(tensor.DType, GetBytes(tensor, (ulong)done * (ulong)size, count * size), destination.Slice(done, count));
        }
    }

    /// <summary>Reads the tensor named <paramref name="name"/> into a new float32 array.</summary>
    /// <param name="name">The tensor's exact name.</param>
    /// <exception cref="SafeTensorsFormatException">No such tensor.</exception>
    /// <exception cref="NotSupportedException">
    /// The tensor has more elements than one .NET array can hold (<see cref="Array.MaxLength"/>, just under 2^31):
    /// read it in windows with <see cref="GetBytes(SafeTensorInfo, ulong, int)"/> and <see cref="ElementConversion.ToSingle"/>.
    /// </exception>
    public float[] ReadSingles(string name)
    {
        SafeTensorInfo tensor = GetTensor(name);
        if (tensor.ElementCount > (ulong)Array.MaxLength)
        {
            throw new NotSupportedException(
                $"Tensor '{tensor.Name}' in '{FilePath}' has {tensor.ElementCount} elements, more than one array can hold ({Array.MaxLength}); " +
                "read it in windows with GetBytes(tensor, start, length).");
        }
        var values = new float[(int)tensor.ElementCount];
        ConvertToSingle(tensor, values);
        return values;
    }

    /// <summary>Unmaps the file. Every span and memory obtained from it becomes invalid.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _mapping.Dispose();
    }

    internal bool IsDisposed => _disposed;

    private byte* Locate(SafeTensorInfo tensor, out int length)
    {
        byte* start = Start(tensor);
        if (tensor.ByteLength > int.MaxValue)
        {
            throw new NotSupportedException(
                $"Tensor '{tensor.Name}' in '{FilePath}' is {tensor.ByteLength} bytes, more than one span can address; read it in windows.");
        }
        length = (int)tensor.ByteLength;
        return start;
    }

    private byte* Start(SafeTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!ReferenceEquals(tensor.Owner, Header))
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' does not belong to '{FilePath}'.", nameof(tensor));
        }
        return _mapping.Base + Header.DataStart + tensor.Begin;
    }
}

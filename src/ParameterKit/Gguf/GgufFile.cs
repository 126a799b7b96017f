using System.Buffers;
using ParameterKit.SafeTensors;

namespace ParameterKit.Gguf;

/// <summary>
/// A GGUF file (llama.cpp's format) opened through a read-only memory map. Opening validates the header as
/// llama.cpp does, checks every tensor's bytes lie within the file, and reads nothing else; tensor bytes are read
/// lazily, straight from the page cache.
/// </summary>
/// <remarks>
/// <b>Lifetime.</b> <see cref="GetBytes(GgufTensorInfo)"/> returns a zero-copy span over the map, valid only until
/// the file is disposed. The caveat of <see cref="SafeTensors.SafeTensorsFile.Open"/> applies: truncating a mapped
/// file from another process ends this one (SIGBUS); replace files by rename instead.
/// </remarks>
/// <example>
/// <code>
/// using var gguf = GgufFile.Open("gpt2.Q8_0.gguf");
/// foreach (GgufTensorInfo t in gguf.Tensors) Console.WriteLine(t);
/// float[] wte = gguf.ReadSingles("token_embd.weight"); // dequantized
/// </code>
/// </example>
public sealed unsafe class GgufFile : IDisposable
{
    private readonly ReadOnlyMapping _mapping;
    private readonly Dictionary<(GgufTensorInfo, GgufTensorInfo), bool> _sameData = [];
    private bool _disposed;

    private GgufFile(string path, ReadOnlyMapping mapping, GgufHeader header)
    {
        FilePath = path;
        _mapping = mapping;
        Header = header;
    }

    /// <summary>The path the file was opened from.</summary>
    public string FilePath { get; }

    /// <summary>The validated header.</summary>
    public GgufHeader Header { get; }

    /// <summary>Every tensor, in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors => Header.Tensors;

    /// <summary>The metadata key-values.</summary>
    public GgufMetadata Metadata => Header.Metadata;

    /// <summary>Memory-maps <paramref name="path"/> read-only and validates its header. No tensor data is read.</summary>
    /// <param name="path">The <c>.gguf</c> file.</param>
    /// <exception cref="GgufFormatException">The file is rejected; <see cref="GgufFormatException.Kind"/> says why.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <remarks>
    /// A file the file system reports as 0 bytes long is refused (<see cref="GgufErrorKind.Truncated"/>) without being
    /// opened: that includes every FIFO, device and socket, which a reader could otherwise block on forever.
    /// </remarks>
    public static GgufFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        // FileShare.Delete lets a writer rename a new file over this one while it is mapped.
        FileStream stream = RegularFile.OpenRead(path, () => new GgufFormatException(GgufErrorKind.Truncated, path, null,
            "the file is 0 bytes long (or it is not a regular file: a FIFO, device or socket reports no length and is refused " +
            "rather than read, since reading one can block forever)"), FileShare.Read | FileShare.Delete, bufferSize: 1);
        long length = stream.Length;
        if (length == 0)
        {
            // Emptied between the check and the open: a map of 0 bytes cannot be made.
            stream.Dispose();
            GgufHeader.Parse([], path);
        }
        ReadOnlyMapping mapping = ReadOnlyMapping.Create(stream);
        try
        {
            GgufHeader header = GgufHeader.Parse(mapping.Prefix, (ulong)length, path);
            return new GgufFile(path, mapping, header);
        }
        catch
        {
            mapping.Dispose();
            throw;
        }
    }

    /// <summary>Returns the tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor's exact name.</param>
    /// <exception cref="GgufFormatException">No such tensor (<see cref="GgufErrorKind.TensorNotFound"/>).</exception>
    public GgufTensorInfo GetTensor(string name) => Header.GetTensor(name);

    /// <summary>
    /// Whether two tensors of this file hold the same type, shape and bytes: how a tied head stored as a copy (GPT-2's
    /// <c>output.weight</c>) is recognized. The bytes are read through the file in chunks rather than through the map, so
    /// comparing two 40 MB tensors faults in none of the map's pages (a third of the time on this project's hosts), and
    /// the answer is kept: loading asks twice, once for the configuration and once when it places the tensors.
    /// </summary>
    /// <param name="a">A tensor of this file.</param>
    /// <param name="b">Another.</param>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    /// <exception cref="ArgumentException">A tensor does not belong to this file.</exception>
    public bool HasSameData(GgufTensorInfo a, GgufTensorInfo b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (GgufTensorInfo tensor in (ReadOnlySpan<GgufTensorInfo>)[a, b])
        {
            if (!ReferenceEquals(tensor.Owner, Header))
            {
                throw new ArgumentException($"Tensor '{tensor.Name}' does not belong to '{FilePath}'.", nameof(a));
            }
        }
        if (a.Type != b.Type || !a.Shape.AsSpan().SequenceEqual(b.Shape) || a.ByteLength != b.ByteLength)
        {
            return false;
        }
        if (ReferenceEquals(a, b) || a.Offset == b.Offset)
        {
            return true;
        }
        (GgufTensorInfo, GgufTensorInfo) key = string.CompareOrdinal(a.Name, b.Name) <= 0 ? (a, b) : (b, a);
        lock (_sameData)
        {
            if (_sameData.TryGetValue(key, out bool known))
            {
                return known;
            }
        }
        bool same = CompareThroughFile((long)(Header.DataStart + a.Offset), (long)(Header.DataStart + b.Offset), (long)a.ByteLength);
        lock (_sameData)
        {
            _sameData[key] = same;
        }
        return same;
    }

    /// <summary>Compares two byte ranges of the file chunk by chunk, the chunks spread over the cores (the reads are the
    /// cost: copies out of the page cache, which one core does at a fraction of the memory's bandwidth).</summary>
    private bool CompareThroughFile(long first, long second, long length)
    {
        const int Chunk = 1 << 20;
        long chunks = (length + Chunk - 1) / Chunk;
        int different = 0;
        Parallel.For(0L, chunks, () => (ArrayPool<byte>.Shared.Rent(Chunk), ArrayPool<byte>.Shared.Rent(Chunk)), (c, state, buffers) =>
        {
            long done = c * Chunk;
            int n = (int)Math.Min(Chunk, length - done);
            Span<byte> x = buffers.Item1.AsSpan(0, n), y = buffers.Item2.AsSpan(0, n);
            if (Volatile.Read(ref different) == 0
                && (!ReadExactly(x, first + done) || !ReadExactly(y, second + done) || !x.SequenceEqual(y)))
            {
                Volatile.Write(ref different, 1);
                state.Stop();
            }
            return buffers;
        }, buffers =>
        {
            ArrayPool<byte>.Shared.Return(buffers.Item1);
            ArrayPool<byte>.Shared.Return(buffers.Item2);
        });
        return different == 0;
    }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; false when the file ends first (it shrank
    /// since it was mapped: the bytes cannot be the same).</summary>
    private bool ReadExactly(Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(_mapping.FileHandle, buffer, offset);
            if (read == 0)
            {
                return false;
            }
            buffer = buffer[read..];
            offset += read;
        }
        return true;
    }

    /// <summary>The raw bytes of <paramref name="tensor"/>, zero-copy over the map. Valid until the file is disposed.</summary>
    /// <param name="tensor">A tensor of this file.</param>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    /// <exception cref="ArgumentException">The tensor does not belong to this file.</exception>
    /// <exception cref="NotSupportedException">The tensor is larger than 2 GB, the most a span can cover.</exception>
    public ReadOnlySpan<byte> GetBytes(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!ReferenceEquals(tensor.Owner, Header))
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' does not belong to '{FilePath}'.", nameof(tensor));
        }
        if (tensor.ByteLength > int.MaxValue)
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' in '{FilePath}' is {tensor.ByteLength} bytes, more than one span can address.");
        }
        return new ReadOnlySpan<byte>(_mapping.Base + Header.DataStart + tensor.Offset, (int)tensor.ByteLength);
    }

    /// <summary>Dequantizes <paramref name="tensor"/> to float32 (<see cref="GgufDequantization.ToSingle"/>).</summary>
    /// <param name="tensor">A tensor of this file.</param>
    /// <param name="destination">Receives <see cref="GgufTensorInfo.ElementCount"/> values, in GGUF order (rows of <c>Dimensions[0]</c>).</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    /// <exception cref="NotSupportedException">The tensor's type has no float32 conversion here (<see cref="GgufTensorTypes.CanDequantize"/>).</exception>
    public void DequantizeToSingle(GgufTensorInfo tensor, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if ((ulong)destination.Length != tensor.ElementCount)
        {
            throw new ArgumentException(
                $"Tensor '{tensor.Name}' in '{FilePath}' has {tensor.ElementCount} elements but the destination holds {destination.Length}.",
                nameof(destination));
        }
        if (!GgufTensorTypes.CanDequantize(tensor.Type))
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' in '{FilePath}' is {GgufTensorTypes.Name(tensor.Type)}, which ParameterKit does not dequantize.");
        }
        GgufDequantization.ToSingle(tensor.Type, GetBytes(tensor), destination);
    }

    /// <summary>Reads the tensor named <paramref name="name"/> into a new float32 array, dequantized.</summary>
    /// <param name="name">The tensor's exact name.</param>
    /// <exception cref="GgufFormatException">No such tensor.</exception>
    /// <exception cref="NotSupportedException">The type has no float32 conversion, or the tensor exceeds one array.</exception>
    public float[] ReadSingles(string name)
    {
        GgufTensorInfo tensor = GetTensor(name);
        if (tensor.ElementCount > (ulong)Array.MaxLength)
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' in '{FilePath}' has {tensor.ElementCount} elements, more than one array can hold.");
        }
        var values = new float[(int)tensor.ElementCount];
        DequantizeToSingle(tensor, values);
        return values;
    }

    /// <summary>Unmaps the file. Every span obtained from it becomes invalid.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _mapping.Dispose();
    }
}

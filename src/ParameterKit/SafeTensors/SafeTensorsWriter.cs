using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ParameterKit.Tensors;

namespace ParameterKit.SafeTensors;

/// <summary>
/// Builds a safetensors file exactly as the reference writer (<c>safetensors.serialize</c>) does: tensors laid
/// out back to back sorted by dtype (descending in the crate's enum order) then by name, a compact JSON header
/// with <c>__metadata__</c> first, padded with spaces to a multiple of 8 bytes.
/// </summary>
/// <remarks>
/// Tensors are registered first and their bytes are pulled only while writing, so a writer holds no copies:
/// <see cref="Add(string, DType, ReadOnlySpan{ulong}, ReadOnlyMemory{byte})"/> references existing memory, and
/// <see cref="Add(string, DType, ReadOnlySpan{ulong}, Action{Stream})"/> streams bytes produced on demand.
/// <see cref="Save"/> is atomic: the previous file at the path survives any failure.
/// </remarks>
/// <example>
/// <code>
/// var writer = new SafeTensorsWriter(new Dictionary&lt;string, string&gt; { ["format"] = "pt" });
/// writer.Add("wte.weight", new Shape(V, C), wte);   // float32 values
/// writer.Save("model.safetensors");
/// </code>
/// </example>
public sealed class SafeTensorsWriter
{
    private readonly List<KeyValuePair<byte[], byte[]>>? _metadata;
    private readonly List<Pending> _tensors = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    private sealed record Pending(string Name, byte[] NameUtf8, DType DType, ulong[] Dimensions, ulong ByteLength, Action<Stream> Write);

    /// <summary>Creates a writer.</summary>
    /// <param name="metadata">The <c>__metadata__</c> map, written in enumeration order; <see langword="null"/> writes none.</param>
    /// <exception cref="ArgumentException">A key or value is null or not valid Unicode, or a key appears twice (a JSON object
    /// with a repeated key means different things to different readers).</exception>
    public SafeTensorsWriter(IEnumerable<KeyValuePair<string, string>>? metadata = null)
    {
        if (metadata is null)
        {
            return;
        }
        _metadata = [];
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string? key, string? value) in metadata)
        {
            if (key is null)
            {
                throw new ArgumentException("A __metadata__ key is null.", nameof(metadata));
            }
            if (value is null)
            {
                throw new ArgumentException($"The __metadata__ value of '{key}' is null: safetensors metadata maps strings to strings.", nameof(metadata));
            }
            if (!keys.Add(key))
            {
                throw new ArgumentException($"The __metadata__ key '{key}' appears twice.", nameof(metadata));
            }
            _metadata.Add(new(HeaderJsonWriter.Encode(key, "metadata key"), HeaderJsonWriter.Encode(value, "metadata value")));
        }
    }

    /// <summary>How many tensors have been added.</summary>
    public int Count => _tensors.Count;

    /// <summary>Adds a tensor whose little-endian bytes are in <paramref name="data"/> (referenced, not copied).</summary>
    /// <param name="name">The tensor name; unique, and not <c>__metadata__</c>.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="dimensions">The logical shape.</param>
    /// <param name="data">Exactly <c>elements * bits / 8</c> bytes.</param>
    /// <exception cref="SafeTensorsFormatException">The byte count does not match (<see cref="SafeTensorsErrorKind.InvalidTensorView"/>).</exception>
    /// <exception cref="ArgumentException">The name is a duplicate, reserved, or not valid Unicode.</exception>
    public void Add(string name, DType dtype, ReadOnlySpan<ulong> dimensions, ReadOnlyMemory<byte> data)
    {
        ulong bytes = ExpectedBytes(name, dtype, dimensions);
        if ((ulong)data.Length != bytes)
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidTensorView, null, name,
                $"{dtype.SafeTensorsName()} [{string.Join(", ", dimensions.ToArray())}] needs {bytes} bytes but {data.Length} were given");
        }
        Register(name, dtype, dimensions, bytes, stream => stream.Write(data.Span));
    }

    /// <summary>Adds a float32 tensor (written little-endian).</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="shape">The shape; its element count must equal <c>values.Length</c>.</param>
    /// <param name="values">The values (referenced, not copied).</param>
    /// <exception cref="ShapeMismatchException">The shape does not hold <c>values.Length</c> elements.</exception>
    public void Add(string name, Shape shape, ReadOnlyMemory<float> values)
    {
        if (shape.ElementCount != values.Length)
        {
            throw new ShapeMismatchException(name, shape, new Shape(values.Length), "the values do not fill the shape");
        }
        ulong[] dims = [.. shape.Dimensions.ToArray().Select(d => (ulong)d)];
        Register(name, DType.F32, dims, (ulong)values.Length * 4, stream => WriteSingles(stream, values.Span));
    }

    /// <summary>
    /// Adds a tensor whose bytes are produced while the file is written: <paramref name="writeData"/> must write
    /// exactly <c>elements * bits / 8</c> bytes to the stream it is given.
    /// </summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="dimensions">The logical shape.</param>
    /// <param name="writeData">Writes the tensor's little-endian bytes.</param>
    public void Add(string name, DType dtype, ReadOnlySpan<ulong> dimensions, Action<Stream> writeData)
    {
        ArgumentNullException.ThrowIfNull(writeData);
        Register(name, dtype, dimensions, ExpectedBytes(name, dtype, dimensions), writeData);
    }

    /// <summary>The 8-byte length prefix followed by the padded header, as the file will begin.</summary>
    /// <exception cref="SafeTensorsFormatException">The header exceeds 100,000,000 bytes (<see cref="SafeTensorsErrorKind.HeaderTooLarge"/>).</exception>
    public byte[] BuildHeader()
    {
        var items = new List<HeaderJsonWriter.Item>(_tensors.Count);
        ulong offset = 0;
        foreach (Pending t in Layout())
        {
            items.Add(new HeaderJsonWriter.Item(t.NameUtf8, t.DType, t.Dimensions, offset, offset + t.ByteLength));
            offset += t.ByteLength;
        }
        byte[] json = HeaderJsonWriter.Write(_metadata, items);
        if ((ulong)json.Length > SafeTensorsHeader.MaxHeaderSize)
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.HeaderTooLarge, null, null,
                $"the header would be {json.Length} bytes, over the limit of {SafeTensorsHeader.MaxHeaderSize}");
        }
        var prefixed = new byte[8 + json.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(prefixed, (ulong)json.Length);
        json.CopyTo(prefixed, 8);
        return prefixed;
    }

    /// <summary>Writes the whole file (header, then every tensor in layout order) to <paramref name="destination"/>.</summary>
    /// <param name="destination">A writable stream.</param>
    /// <exception cref="SafeTensorsFormatException">A streamed tensor wrote the wrong number of bytes.</exception>
    public void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(BuildHeader());
        var counter = new CountingStream(destination);
        foreach (Pending t in Layout())
        {
            long before = counter.Written;
            t.Write(counter);
            ulong written = (ulong)(counter.Written - before);
            if (written != t.ByteLength)
            {
                throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidTensorView, null, t.Name,
                    $"the tensor's writer produced {written} bytes but its header entry declares {t.ByteLength}");
            }
        }
    }

    /// <summary>The whole file as a byte array.</summary>
    public byte[] ToArray()
    {
        using var memory = new MemoryStream();
        WriteTo(memory);
        return memory.ToArray();
    }

    /// <summary>
    /// Saves atomically: writes a temporary file in the same folder, flushes it to disk, then renames it over
    /// <paramref name="path"/>. If anything fails or the process dies first, the previous file is untouched
    /// (a killed process may leave a hidden <c>.name.*.tmp</c> file beside it). On Linux and macOS, readers that
    /// already mapped the old file keep reading it (Windows refuses to replace a mapped file). A missing folder is
    /// created first.
    /// </summary>
    /// <remarks>
    /// Before writing, the save deletes temporary files that earlier, interrupted saves to the same
    /// <paramref name="path"/> left behind (<c>.name.{32 hex digits}.tmp</c>), if they were last written before the
    /// current process started; temporary files of other targets, or still being written, are left alone. See
    /// <see cref="FindLeftoverTemporaryFiles"/> to list them.
    /// </remarks>
    /// <param name="path">The target file.</param>
    public void Save(string path) => AtomicFile.Write(path, WriteTo);

    /// <summary>Writes the file's temporary and flushes it, leaving the rename to the caller (a save of several files).</summary>
    internal AtomicFile.PendingFile Prepare(string path) => AtomicFile.Prepare(path, WriteTo);

    /// <summary>
    /// The temporary files interrupted saves left in <paramref name="folder"/> (hidden <c>.name.{32 hex digits}.tmp</c>
    /// files, for any target), with their lengths in bytes, sorted by name.
    /// </summary>
    /// <param name="folder">A folder that holds checkpoints.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<(string Path, long Length)> FindLeftoverTemporaryFiles(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return AtomicFile.FindTemporaries(folder);
    }

    private IEnumerable<Pending> Layout() => _tensors
        .OrderByDescending(t => t.DType)
        .ThenBy(t => t.NameUtf8, Utf8Order.Instance);

    private void Register(string name, DType dtype, ReadOnlySpan<ulong> dimensions, ulong bytes, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == "__metadata__")
        {
            throw new ArgumentException("'__metadata__' is reserved for the metadata map and cannot name a tensor.", nameof(name));
        }
        byte[] utf8 = HeaderJsonWriter.Encode(name, "tensor name");
        if (!_names.Add(name))
        {
            throw new ArgumentException($"A tensor named '{name}' was already added.", nameof(name));
        }
        _tensors.Add(new Pending(name, utf8, dtype, dimensions.ToArray(), bytes, write));
    }

    private static ulong ExpectedBytes(string name, DType dtype, ReadOnlySpan<ulong> dimensions)
    {
        try
        {
            ulong elements = 1;
            foreach (ulong d in dimensions)
            {
                elements = checked(elements * d);
            }
            ulong bits = checked(elements * (ulong)dtype.BitSize());
            return bits % 8 == 0
                ? bits / 8
                : throw new SafeTensorsFormatException(SafeTensorsErrorKind.MisalignedSlice, null, name,
                    $"{elements} elements of {dtype.SafeTensorsName()} do not fill whole bytes");
        }
        catch (OverflowException e)
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.ValidationOverflow, null, name, "the tensor's size overflows 64 bits", e);
        }
    }

    /// <summary>Writes float32 values little-endian, in pieces: a span of more than 2^29 floats has no byte view.</summary>
    internal static void WriteSingles(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            const int Piece = 1 << 26;
            for (int i = 0; i < values.Length; i += Piece)
            {
                stream.Write(MemoryMarshal.AsBytes(values.Slice(i, Math.Min(Piece, values.Length - i))));
            }
            return;
        }
        Span<byte> one = stackalloc byte[4];
        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(one, v);
            stream.Write(one);
        }
    }

    /// <summary>Orders names by their UTF-8 bytes, which is Rust's <c>String</c> order (UTF-16 order differs above U+FFFF).</summary>
    private sealed class Utf8Order : IComparer<byte[]>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}

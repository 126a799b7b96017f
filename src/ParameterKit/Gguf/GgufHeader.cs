using System.Text;

namespace ParameterKit.Gguf;

/// <summary>
/// A validated GGUF header: version, metadata, tensor infos and where the data section starts. It keeps a copy of
/// the header's bytes and one small record per entry; strings, values and <see cref="GgufTensorInfo"/> objects are
/// made only when asked for, so reading a hostile header costs at most a small multiple of its size
/// (docs/security.md).
/// </summary>
/// <example>
/// <code>
/// GgufHeader header = GgufHeader.Parse(File.ReadAllBytes("model.gguf"), "model.gguf");
/// Console.WriteLine($"{header.Metadata.GetString("general.architecture")}: {header.Tensors.Count} tensors");
/// </code>
/// </example>
public sealed class GgufHeader
{
    private readonly byte[] _bytes;
    private readonly TensorInfoRecord[] _tensors;
    private readonly NameTable _names;
    private GgufTensorInfo?[]? _infos;
    private IReadOnlyList<GgufTensorInfo>? _all;

    private GgufHeader(byte[] bytes, GgufHeaderParser.Result result, string? filePath)
    {
        _bytes = bytes;
        _tensors = result.Tensors;
        FilePath = filePath;
        Version = result.Version;
        Alignment = result.Alignment;
        HeaderLength = result.HeaderLength;
        DataStart = result.DataStart;
        Metadata = new GgufMetadata(bytes, result.KeyValues, filePath);
        _names = NameTable.Build(bytes, _tensors.Length, i => (_tensors[i].NameStart, _tensors[i].NameLength), out int first, out int duplicate);
        if (duplicate >= 0)
        {
            string name = Encoding.UTF8.GetString(bytes, _tensors[duplicate].NameStart, _tensors[duplicate].NameLength);
            throw new GgufFormatException(GgufErrorKind.DuplicateTensorName, filePath, name, $"tensors {first} and {duplicate} have the same name");
        }
    }

    /// <summary>The file the header was read from, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The format version: 2 or 3.</summary>
    public uint Version { get; }

    /// <summary>The alignment of the data section and of every tensor in it (<c>general.alignment</c>, 32 unless set).</summary>
    public uint Alignment { get; }

    /// <summary>The header's length in bytes, up to the last tensor info (before the padding).</summary>
    public int HeaderLength { get; }

    /// <summary>Where the data section starts in the file: <see cref="HeaderLength"/> rounded up to <see cref="Alignment"/>.</summary>
    public ulong DataStart { get; }

    /// <summary>The metadata key-values.</summary>
    public GgufMetadata Metadata { get; }

    /// <summary>Every tensor, in file order (which is data-offset order).</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors => _all ??= Enumerable.Range(0, _tensors.Length).Select(Info).ToArray();

    /// <summary>The number of tensors, without making their info objects.</summary>
    public int TensorCount => _tensors.Length;

    /// <summary>
    /// Parses and validates the header of a GGUF file held in memory: the checks llama.cpp makes, plus that every
    /// tensor's data lies within <paramref name="file"/>.
    /// </summary>
    /// <param name="file">The whole file.</param>
    /// <param name="filePath">A name for messages.</param>
    /// <exception cref="GgufFormatException">The file is rejected; <see cref="GgufFormatException.Kind"/> says why.</exception>
    public static GgufHeader Parse(ReadOnlySpan<byte> file, string? filePath = null) => Parse(file, (ulong)file.Length, filePath);

    /// <summary>Parses the header at the start of <paramref name="prefix"/>, a file of <paramref name="fileLength"/> bytes.</summary>
    internal static GgufHeader Parse(ReadOnlySpan<byte> prefix, ulong fileLength, string? filePath)
    {
        GgufHeaderParser.Result result = GgufHeaderParser.Parse(prefix, fileLength, filePath);
        // The header keeps its bytes (names and values are read from them lazily), so they are copied out once.
        return new GgufHeader(prefix[..result.HeaderLength].ToArray(), result, filePath);
    }

    /// <summary>Returns the tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor's exact name.</param>
    /// <exception cref="GgufFormatException">No such tensor (<see cref="GgufErrorKind.TensorNotFound"/>).</exception>
    public GgufTensorInfo GetTensor(string name) => TryGetTensor(name, out GgufTensorInfo? tensor)
        ? tensor
        : throw new GgufFormatException(GgufErrorKind.TensorNotFound, FilePath, name, $"no tensor of that name among {_tensors.Length}");

    /// <summary>Looks up the tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor's exact name.</param>
    /// <param name="tensor">The tensor, when found.</param>
    /// <returns>Whether the tensor exists.</returns>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GgufTensorInfo? tensor)
    {
        ArgumentNullException.ThrowIfNull(name);
        int index = _names.Find(Encoding.UTF8.GetBytes(name));
        tensor = index < 0 ? null : Info(index);
        return tensor is not null;
    }

    private GgufTensorInfo Info(int index)
    {
        _infos ??= new GgufTensorInfo?[_tensors.Length];
        return _infos[index] ??= new GgufTensorInfo(this, _tensors[index],
            Encoding.UTF8.GetString(_bytes, _tensors[index].NameStart, _tensors[index].NameLength));
    }
}

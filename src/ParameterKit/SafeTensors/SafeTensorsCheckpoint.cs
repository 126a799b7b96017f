using ParameterKit.Tensors.Conversions;

namespace ParameterKit.SafeTensors;

/// <summary>
/// One logical checkpoint: a single <c>.safetensors</c> file, or a sharded set opened through its
/// <c>model.safetensors.index.json</c>. Tensors are looked up by name regardless of which file holds them.
/// </summary>
/// <remarks>
/// A sharded checkpoint exposes exactly the tensors its <c>weight_map</c> names, and opening it checks each one
/// against its shard: a shard that does not exist is <see cref="SafeTensorsErrorKind.InvalidIndex"/>, a tensor
/// missing from its shard is <see cref="SafeTensorsErrorKind.TensorNotFound"/>, both naming index, shard and
/// tensor. Disposing the checkpoint disposes every file (and invalidates their views).
/// </remarks>
public sealed class SafeTensorsCheckpoint : IDisposable
{
    private readonly SafeTensorsFile[] _files;
    private readonly Dictionary<string, (SafeTensorInfo Info, SafeTensorsFile File)> _byName;

    private SafeTensorsCheckpoint(string path, SafeTensorsFile[] files, List<(SafeTensorInfo, SafeTensorsFile)> tensors)
    {
        Path = path;
        _files = files;
        _byName = new Dictionary<string, (SafeTensorInfo, SafeTensorsFile)>(tensors.Count, StringComparer.Ordinal);
        foreach ((SafeTensorInfo info, SafeTensorsFile file) in tensors)
        {
            _byName[info.Name] = (info, file);
        }
        Tensors = [.. tensors.Select(t => t.Item1)];
    }

    /// <summary>The file or index the checkpoint was opened from.</summary>
    public string Path { get; }

    /// <summary>The files making up the checkpoint (one, or one per shard).</summary>
    public IReadOnlyList<SafeTensorsFile> Files => _files;

    /// <summary>Every tensor: in offset order for a single file, in <c>weight_map</c> order for a sharded one.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The first file's <c>__metadata__</c> (shards usually carry <c>{"format": "pt"}</c>).</summary>
    public IReadOnlyDictionary<string, string>? Metadata => _files.Length > 0 ? _files[0].Metadata : null;

    /// <summary>
    /// What a lenient open accepted that a strict one refuses (see <see cref="OpenSharded"/>), one sentence each;
    /// always empty for a single file or a strict open.
    /// </summary>
    public IReadOnlyList<string> Tolerated { get; private init; } = [];

    /// <summary>
    /// Opens a checkpoint: a path ending in <c>.index.json</c> is a sharded index, anything else one file.
    /// </summary>
    /// <param name="path">A <c>.safetensors</c> file or a <c>*.safetensors.index.json</c> index.</param>
    /// <param name="lenientIndex">For an index: accept inconsistencies and list them in <see cref="Tolerated"/> (see <see cref="OpenSharded"/>).</param>
    /// <exception cref="SafeTensorsFormatException">A file, the index, or the index's consistency is rejected.</exception>
    /// <remarks>
    /// Files are memory-mapped. If another process truncates a mapped file, the next read of a page past its new end
    /// ends the process with a fault no <c>catch</c> can intercept (see <see cref="SafeTensorsFile.Open"/>): replace
    /// checkpoints by atomic rename, as every writer in ParameterKit does, never rewrite them in place.
    /// </remarks>
    public static SafeTensorsCheckpoint Open(string path, bool lenientIndex = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase))
        {
            return OpenSharded(path, lenientIndex);
        }
        SafeTensorsFile file = SafeTensorsFile.Open(path);
        return new SafeTensorsCheckpoint(path, [file], [.. file.Tensors.Select(t => (t, file))]);
    }

    /// <summary>Opens a sharded checkpoint through its index, opening every shard it names.</summary>
    /// <param name="indexPath">The <c>model.safetensors.index.json</c> file.</param>
    /// <param name="lenient">
    /// Accept, and list in <see cref="Tolerated"/>, what a strict open refuses as
    /// <see cref="SafeTensorsErrorKind.InvalidIndex"/>: a tensor named twice in the weight map, data after the
    /// index's JSON, a shard tensor the weight map does not list, a tensor stored in two shards (the weight map's
    /// choice is used), a <c>total_size</c> that is not the sum of the tensors' byte lengths, and a shard that is a
    /// symbolic link leading outside the index's folder (links into a Hugging Face cache's <c>blobs</c> folder are
    /// always accepted). A tensor missing from its shard is refused either way.
    /// </param>
    /// <exception cref="SafeTensorsFormatException">The index is malformed or inconsistent, names a missing shard, or a tensor its shard lacks.</exception>
    /// <remarks>See <see cref="Open"/> on files truncated while mapped.</remarks>
    public static SafeTensorsCheckpoint OpenSharded(string indexPath, bool lenient = false)
    {
        SafeTensorsIndex index = SafeTensorsIndex.Load(indexPath, lenient);
        var tolerated = new List<string>(index.Tolerated);
        var files = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (string shard in index.Shards)
            {
                string shardPath = ShardConsistency.ShardPath(indexPath, shard, lenient, tolerated);
                if (!File.Exists(shardPath))
                {
                    throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidIndex, indexPath, null,
                        $"shard '{shard}' named by the weight map does not exist (looked for '{shardPath}')",
                        new FileNotFoundException(null, shardPath));
                }
                files[shard] = SafeTensorsFile.Open(shardPath);
            }
            List<(SafeTensorInfo Tensor, string Shard)> tensors = ShardConsistency.Check(index, indexPath, shard => files[shard].Header, lenient, tolerated);
            return new SafeTensorsCheckpoint(indexPath, [.. index.Shards.Select(s => files[s])], [.. tensors.Select(t => (t.Tensor, files[t.Shard]))])
            {
                Tolerated = tolerated,
            };
        }
        catch
        {
            foreach (SafeTensorsFile file in files.Values)
            {
                file.Dispose();
            }
            throw;
        }
    }

    /// <summary>Looks a tensor up by name.</summary>
    /// <param name="name">The tensor's exact name.</param>
    /// <param name="info">The tensor, when found.</param>
    /// <returns><see langword="true"/> when the checkpoint has the tensor.</returns>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafeTensorInfo? info)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool found = _byName.TryGetValue(name, out var entry);
        info = entry.Info;
        return found;
    }

    /// <summary>The file that holds <paramref name="tensor"/>.</summary>
    /// <param name="tensor">A tensor of this checkpoint.</param>
    /// <exception cref="SafeTensorsFormatException">The tensor is not part of this checkpoint.</exception>
    public SafeTensorsFile FileOf(SafeTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return _byName.TryGetValue(tensor.Name, out var entry) && ReferenceEquals(entry.Info, tensor)
            ? entry.File
            : throw new SafeTensorsFormatException(SafeTensorsErrorKind.TensorNotFound, Path, tensor.Name, "not a tensor of this checkpoint");
    }

    /// <summary>The raw bytes of the tensor named <paramref name="name"/>, zero-copy (valid until disposal).</summary>
    /// <param name="name">The tensor's exact name.</param>
    /// <exception cref="SafeTensorsFormatException">No such tensor.</exception>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        SafeTensorInfo info = TryGetTensor(name, out SafeTensorInfo? found)
            ? found
            : throw new SafeTensorsFormatException(SafeTensorsErrorKind.TensorNotFound, Path, name, "no tensor of this name in the checkpoint");
        return FileOf(info).GetBytes(info);
    }

    /// <summary>Converts a tensor to float32 into <paramref name="destination"/> (see <see cref="ElementConversion"/>).</summary>
    /// <param name="tensor">A tensor of this checkpoint.</param>
    /// <param name="destination">Receives <see cref="SafeTensorInfo.ElementCount"/> values.</param>
    public void ConvertToSingle(SafeTensorInfo tensor, Span<float> destination) => FileOf(tensor).ConvertToSingle(tensor, destination);

    /// <summary>Disposes every file of the checkpoint.</summary>
    public void Dispose()
    {
        foreach (SafeTensorsFile file in _files)
        {
            file.Dispose();
        }
    }
}

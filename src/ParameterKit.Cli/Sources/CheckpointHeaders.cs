using ParameterKit.SafeTensors;

namespace ParameterKit.Cli.Sources;

/// <summary>
/// Everything <c>inspect</c> needs from a checkpoint, read from its header(s) alone: each file's header, the order
/// of the tensors, the <c>__metadata__</c> map and the sizes. No tensor data is ever part of it.
/// </summary>
/// <remarks>
/// Tensors are walked as <see cref="SafeTensorEntry"/> values read in place from the headers, never collected: a
/// header of a million tiny entries then costs <c>inspect</c> its own size a few times over, not a few hundred
/// bytes per tensor (docs/security.md). A sharded checkpoint keeps its weight map's order as one shard number per
/// tensor.
/// </remarks>
internal sealed record CheckpointHeaders
{
    /// <summary>For a sharded checkpoint: each tensor's name in weight-map order, and the file holding it.</summary>
    private readonly IReadOnlyList<string>? _shardedNames;
    private readonly ushort[]? _shardedFiles;

    private CheckpointHeaders(string source, CheckpointLayout layout, IReadOnlyList<CheckpointFile> files,
        IReadOnlyDictionary<string, string>? metadata, IReadOnlyList<string>? shardedNames, ushort[]? shardedFiles)
    {
        Source = source;
        Layout = layout;
        Files = files;
        Metadata = metadata;
        _shardedNames = shardedNames;
        _shardedFiles = shardedFiles;
    }

    /// <summary>What the user named: a path or URL.</summary>
    public string Source { get; }

    /// <summary>How the checkpoint is stored.</summary>
    public CheckpointLayout Layout { get; }

    /// <summary>Each file with its header.</summary>
    public IReadOnlyList<CheckpointFile> Files { get; }

    /// <summary>The (first) file's <c>__metadata__</c>, or null when absent.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; }

    /// <summary>What a lenient reading of a sharded index accepted, one sentence each.</summary>
    public IReadOnlyList<string> Tolerated { get; init; } = [];

    /// <summary>Temporary files an interrupted save left in the checkpoint's folder, with their sizes.</summary>
    public IReadOnlyList<(string Path, long Length)> LeftoverTemporaryFiles { get; init; } = [];

    /// <summary>How many tensors the checkpoint has.</summary>
    public int TensorCount => _shardedNames?.Count ?? Files[0].Header.Tensors.Count;

    /// <summary>
    /// Every tensor, read in place: offset order for one file, <c>weight_map</c> order for a sharded one. Nothing is
    /// allocated per tensor, so this may be walked more than once.
    /// </summary>
    public IEnumerable<(SafeTensorEntry Entry, CheckpointFile File)> Tensors()
    {
        if (_shardedNames is null)
        {
            SafeTensorsHeader header = Files[0].Header;
            for (int i = 0; i < header.Tensors.Count; i++)
            {
                yield return (header.GetEntry(i), Files[0]);
            }
            yield break;
        }
        for (int i = 0; i < _shardedNames.Count; i++)
        {
            CheckpointFile file = Files[_shardedFiles![i]];
            // The index was checked against every shard while loading, so each name is in its shard.
            file.Header.TryGetEntry(_shardedNames[i], out SafeTensorEntry entry);
            yield return (entry, file);
        }
    }

    /// <summary>Whether the checkpoint has a tensor of this exact name.</summary>
    /// <remarks>For a sharded checkpoint the weight map decides (a lenient reading may leave unlisted tensors in a
    /// shard); it is searched in order, which is linear and meant for a handful of names.</remarks>
    public bool Contains(string name) => _shardedNames is null
        ? Files[0].Header.TryGetEntry(name, out _)
        : _shardedNames.Contains(name, StringComparer.Ordinal);

    /// <summary>Wraps one header read from one file or URL.</summary>
    public static CheckpointHeaders Single(string source, CheckpointLayout layout, string fileName, SafeTensorsHeader header) =>
        new(source, layout, [new CheckpointFile(fileName, header)], header.Metadata, shardedNames: null, shardedFiles: null);

    /// <summary>
    /// A sharded checkpoint whose index was already checked against its shards: <paramref name="names"/> and
    /// <paramref name="shardOf"/> give the weight map's order and each tensor's shard (a position in
    /// <paramref name="files"/>).
    /// </summary>
    public static CheckpointHeaders Sharded(string source, IReadOnlyList<CheckpointFile> files, IReadOnlyList<string> names,
        Func<int, int> shardOf)
    {
        // Two bytes per tensor: the largest Hub checkpoints have a few hundred shards; more than 65,536 is refused.
        if (files.Count > ushort.MaxValue + 1)
        {
            throw new CliException("InvalidIndex", $"{source}: the index names {files.Count} shards; inspect reads at most {ushort.MaxValue + 1}");
        }
        var shards = new ushort[names.Count];
        for (int i = 0; i < shards.Length; i++)
        {
            shards[i] = (ushort)shardOf(i);
        }
        return new CheckpointHeaders(source, CheckpointLayout.Sharded, files, files.Count > 0 ? files[0].Header.Metadata : null, names, shards);
    }
}

/// <summary>One file of a checkpoint and its header.</summary>
/// <param name="Name">The file's name (a shard's name as the index gives it).</param>
/// <param name="Header">Its validated header.</param>
internal sealed record CheckpointFile(string Name, SafeTensorsHeader Header)
{
    /// <summary>The file's total length.</summary>
    public ulong Length => Header.FileLength;

    /// <summary>N, the header's length.</summary>
    public ulong HeaderLength => Header.HeaderLength;
}

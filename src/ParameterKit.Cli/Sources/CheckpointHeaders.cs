using ParameterKit.SafeTensors;

namespace ParameterKit.Cli.Sources;

/// <summary>
/// Everything <c>inspect</c> needs from a checkpoint, read from its header(s) alone: the tensors in order, which
/// file holds each, the <c>__metadata__</c> map and the sizes. No tensor data is ever part of it.
/// </summary>
/// <param name="Source">What the user named: a path or URL.</param>
/// <param name="Layout">How the checkpoint is stored.</param>
/// <param name="Tensors">Every tensor: offset order for one file, <c>weight_map</c> order for a sharded one.</param>
/// <param name="FileOf">The file name holding each tensor (the shard's name, or the file's own name).</param>
/// <param name="Metadata">The (first) file's <c>__metadata__</c>, or null when absent.</param>
/// <param name="Files">Each file with its total length and header length N.</param>
internal sealed record CheckpointHeaders(
    string Source,
    CheckpointLayout Layout,
    IReadOnlyList<SafeTensorInfo> Tensors,
    IReadOnlyDictionary<string, string> FileOf,
    IReadOnlyDictionary<string, string>? Metadata,
    IReadOnlyList<(string Name, ulong Length, ulong HeaderLength)> Files)
{
    /// <summary>What a lenient reading of a sharded index accepted, one sentence each.</summary>
    public IReadOnlyList<string> Tolerated { get; init; } = [];

    /// <summary>Temporary files an interrupted save left in the checkpoint's folder, with their sizes.</summary>
    public IReadOnlyList<(string Path, long Length)> LeftoverTemporaryFiles { get; init; } = [];

    /// <summary>Wraps one header read from one file or URL.</summary>
    public static CheckpointHeaders Single(string source, CheckpointLayout layout, string fileName, SafeTensorsHeader header)
    {
        var fileOf = header.Tensors.ToDictionary(t => t.Name, _ => fileName, StringComparer.Ordinal);
        return new CheckpointHeaders(source, layout, header.Tensors, fileOf, header.Metadata,
            [(fileName, header.FileLength, header.HeaderLength)]);
    }
}

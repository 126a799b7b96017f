namespace ParameterKit.SafeTensors;

/// <summary>
/// The checks that hold a sharded checkpoint together: each shard file is where the index says (a symlink may not
/// lead out of the folder), each tensor of the weight map is in its shard, each shard tensor is in the weight map
/// under that shard, and <c>total_size</c> is the sum of the tensors' byte lengths.
/// </summary>
/// <remarks>
/// Hugging Face's writers always produce consistent checkpoints, so by default every inconsistency is
/// <see cref="SafeTensorsErrorKind.InvalidIndex"/>: a file that disagrees with itself was edited or damaged, and
/// guessing which half is right could load the wrong weights silently. A lenient reading accepts all of them except
/// a tensor missing from its shard (there is nothing to load), and reports each one it accepted.
/// </remarks>
internal static class ShardConsistency
{
    /// <summary>At most this many tolerated findings are spelled out; the rest are counted.</summary>
    private const int MaxListed = 100;

    /// <summary>
    /// The path of <paramref name="shard"/> beside <paramref name="indexPath"/>. A shard that is a symbolic link must
    /// lead into the index's folder, or into the <c>blobs</c> folder of a Hugging Face cache whose snapshot holds
    /// the index (<c>models--org--name/snapshots/rev/x.safetensors -&gt; ../../blobs/hash</c>, how the Hub client
    /// stores every download).
    /// </summary>
    internal static string ShardPath(string indexPath, string shard, bool lenient, List<string> tolerated)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        string shardPath = Path.Combine(folder, shard);
        FileSystemInfo? target = File.Exists(shardPath) ? File.ResolveLinkTarget(shardPath, returnFinalTarget: true) : null;
        if (target is not null)
        {
            string resolved = Path.GetFullPath(target.FullName);
            if (!AllowedRoots(folder).Any(root => resolved.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            {
                SafeTensorsIndex.Tolerate($"shard '{shard}' is a symbolic link to '{resolved}', outside the index's folder", indexPath, null, lenient, tolerated);
            }
        }
        return shardPath;
    }

    private static IEnumerable<string> AllowedRoots(string folder)
    {
        yield return folder;
        for (DirectoryInfo? d = new(folder); d?.Parent is not null; d = d.Parent)
        {
            if (d.Name == "snapshots")
            {
                yield return Path.Combine(d.Parent.FullName, "blobs");
                yield break;
            }
        }
    }

    /// <summary>
    /// Checks <paramref name="index"/> against its shards' headers, in time linear in the number of tensors.
    /// </summary>
    /// <param name="index">The parsed index.</param>
    /// <param name="indexName">The index file or URL, for messages.</param>
    /// <param name="headerOf">Each shard's header, by shard file name.</param>
    /// <param name="lenient">Accept inconsistencies (listing them) instead of refusing them.</param>
    /// <param name="tolerated">Receives what was accepted.</param>
    /// <returns>The weight map's tensors, in its order, each from its shard's header.</returns>
    internal static List<(SafeTensorInfo Tensor, string Shard)> Check(SafeTensorsIndex index, string indexName,
        Func<string, SafeTensorsHeader> headerOf, bool lenient, List<string> tolerated)
    {
        var findings = new List<string>();
        var tensors = new List<(SafeTensorInfo, string)>(index.WeightMap.Count);
        ulong total = 0;
        foreach ((string name, string shard) in index.WeightMap)
        {
            SafeTensorInfo info = headerOf(shard).TryGetTensor(name, out SafeTensorInfo? found)
                ? found
                : throw new SafeTensorsFormatException(SafeTensorsErrorKind.TensorNotFound, indexName, name,
                    $"the weight map places it in shard '{shard}', which has no such tensor");
            tensors.Add((info, shard));
            total += info.ByteLength;
        }
        foreach (string shard in index.Shards)
        {
            foreach (SafeTensorInfo t in headerOf(shard).Tensors)
            {
                if (!index.WeightMap.TryGetValue(t.Name, out string? mapped))
                {
                    Find($"shard '{shard}' holds tensor '{t.Name}', which the weight map does not list", t.Name);
                }
                else if (mapped != shard)
                {
                    Find($"tensor '{t.Name}' is stored in two shards, '{mapped}' (which the weight map names) and '{shard}'", t.Name);
                }
            }
        }
        if (index.TotalSize is long declared && (ulong)declared != total)
        {
            Find($"`metadata.total_size` is {declared} but the weight map's tensors hold {total} bytes", null);
        }
        if (findings.Count > MaxListed)
        {
            int more = findings.Count - MaxListed;
            findings.RemoveRange(MaxListed, more);
            findings.Add($"... and {more} more inconsistencies of the kinds above");
        }
        tolerated.AddRange(findings);
        return tensors;

        void Find(string detail, string? tensor)
        {
            if (!lenient)
            {
                SafeTensorsIndex.Tolerate(detail, indexName, tensor, lenient: false, tolerated);
            }
            findings.Add(detail);
        }
    }
}

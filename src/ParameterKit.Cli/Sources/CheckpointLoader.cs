using ParameterKit.SafeTensors;

namespace ParameterKit.Cli.Sources;

/// <summary>
/// Reads the header(s) of whatever the user pointed at: a <c>.safetensors</c> file, a sharded
/// <c>*.safetensors.index.json</c>, a folder holding either, or an <c>http(s)</c> URL of a file or an index.
/// </summary>
/// <remarks>
/// Only headers are read: 8 + N bytes per file through a plain stream (not a memory map, which would be as cheap
/// but is not needed), and two range requests per URL. That is why inspecting a multi-gigabyte checkpoint takes
/// milliseconds. Validation is the library's, identical to the reference crate's.
/// </remarks>
internal static class CheckpointLoader
{
    /// <summary>
    /// What transformers' <c>from_pretrained</c> looks for in a model folder, in its order: the single file before the
    /// index. The library's loaders (<c>Gpt2Model.Load</c>, <c>LlamaModel.Load</c>) use the same order, so the tool
    /// describes the weights a load would read when a folder holds both (a merged copy beside its shards).
    /// </summary>
    private static readonly string[] PreferredNames = ["model.safetensors", "model.safetensors.index.json"];

    /// <summary>
    /// The largest index accepted over HTTP: a 1,000-layer model's weight map is a few hundred kB. Enforced while the
    /// body is read, not only against <c>Content-Length</c>, so an endless body is cut here.
    /// </summary>
    private const long MaxIndexBytes = 64 * 1024 * 1024;

    /// <summary>Reads the headers of <paramref name="source"/>.</summary>
    /// <param name="source">A path, or an http(s) URL of a <c>.safetensors</c> file or a <c>.safetensors.index.json</c>.</param>
    /// <param name="allowDownload">For URLs: stream from servers without range support instead of failing.</param>
    /// <param name="timeout">For URLs: how long each read (connection, headers, redirects and body together) may take.</param>
    /// <param name="cancellationToken">Cancels network reads.</param>
    /// <exception cref="SafeTensorsFormatException">A file or the index is rejected.</exception>
    /// <exception cref="CliException">The source does not exist, holds no checkpoint, or cannot be reached.</exception>
    /// <param name="lenientIndex">For an index, local or remote: accept inconsistencies, listing them.</param>
    public static async Task<CheckpointHeaders> LoadAsync(string source, bool allowDownload, TimeSpan timeout, CancellationToken cancellationToken,
        bool lenientIndex = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Uri.TryCreate(source, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return await LoadRemoteAsync(uri, allowDownload, timeout, lenientIndex, cancellationToken).ConfigureAwait(false);
        }
        return LoadLocal(source, lenientIndex);
    }

    /// <summary>Reads a local file, index or folder, and notes temporary files an interrupted save left beside it.</summary>
    /// <param name="path">A file, index or folder.</param>
    /// <param name="lenientIndex">Accept an inconsistent index, listing what was tolerated.</param>
    public static CheckpointHeaders LoadLocal(string path, bool lenientIndex = false)
    {
        string resolved = ResolveLocalPath(path);
        CheckpointHeaders headers = resolved.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase)
            ? LoadSharded(path, resolved, lenientIndex)
            : CheckpointHeaders.Single(path, CheckpointLayout.File, Path.GetFileName(resolved), ReadHeader(resolved));
        string folder = Path.GetDirectoryName(Path.GetFullPath(resolved))!;
        return headers with { LeftoverTemporaryFiles = SafeTensorsWriter.FindLeftoverTemporaryFiles(folder) };
    }

    /// <summary>
    /// Turns a folder into the checkpoint it holds (<c>model.safetensors</c>, then <c>model.safetensors.index.json</c>,
    /// as transformers does; else the folder's one index or its one <c>.safetensors</c> file) and checks that a file exists.
    /// </summary>
    public static string ResolveLocalPath(string path)
    {
        if (Directory.Exists(path))
        {
            string[] indexes = Directory.GetFiles(path, "*.safetensors.index.json");
            string[] files = Directory.GetFiles(path, "*.safetensors");
            // One .gguf alone is read as GGUF before this (GgufSource.Resolve); several have to be told apart.
            string[] ggufs = indexes.Length + files.Length == 0 ? Directory.GetFiles(path, "*.gguf") : [];
            string? preferred = PreferredNames
                .Select(name => Path.Combine(path, name))
                .FirstOrDefault(File.Exists);
            return preferred
                ?? (indexes.Length == 1 ? indexes[0] : null)
                ?? (indexes.Length == 0 && files.Length == 1 ? files[0] : null)
                ?? throw new CliException("NotFound", ggufs.Length > 1
                    ? $"the folder '{path}' holds several GGUF files ({string.Join(", ", ggufs.Select(Path.GetFileName).Order(StringComparer.Ordinal))}); name one"
                    : indexes.Length + files.Length == 0
                    ? $"the folder '{path}' holds no .safetensors file or .safetensors.index.json"
                    : $"the folder '{path}' holds several checkpoints ({string.Join(", ", indexes.Concat(files).Select(Path.GetFileName))}); name one");
        }
        if (!File.Exists(path) && Uri.TryCreate(path, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            // diff maps both checkpoints whole; inspect and cost read a URL's headers before they get here.
            throw new CliException("Usage", $"'{UriRedaction.Redact(uri)}' is a URL, and this command reads local checkpoints only: download it first");
        }
        if (!File.Exists(path))
        {
            // "inspect gpt2" or "cost gpt2": a name the count and cost commands know, given where a path goes.
            string hint = Configs.KnownConfigs.Find(path) is null ? "" : $" ('{path}' is a model name: count or cost it with --config {path})";
            throw new CliException("NotFound", $"no such file or folder: '{path}'{hint}");
        }
        return path;
    }

    private static SafeTensorsHeader ReadHeader(string path) => SafeTensorsHeader.ReadFile(path);

    /// <summary>
    /// A local sharded checkpoint, through the library's own sharded open: the same consistency checks (and the same
    /// lenient option) as <see cref="SafeTensorsCheckpoint.OpenSharded"/>, because it is that method. The shards
    /// are mapped only long enough to read their headers.
    /// </summary>
    private static CheckpointHeaders LoadSharded(string source, string indexPath, bool lenientIndex)
    {
        using SafeTensorsCheckpoint checkpoint = SafeTensorsCheckpoint.OpenSharded(indexPath, lenientIndex);
        var position = new Dictionary<SafeTensorsFile, int>(ReferenceEqualityComparer.Instance);
        foreach (SafeTensorsFile file in checkpoint.Files)
        {
            position.TryAdd(file, position.Count);
        }
        IReadOnlyList<SafeTensorInfo> tensors = checkpoint.Tensors;
        return CheckpointHeaders.Sharded(source, [.. checkpoint.Files.Select(f => new CheckpointFile(Path.GetFileName(f.FilePath), f.Header))],
            [.. tensors.Select(t => t.Name)], i => position[checkpoint.FileOf(tensors[i])]) with
        {
            Tolerated = checkpoint.Tolerated,
        };
    }

    private static async Task<CheckpointHeaders> LoadRemoteAsync(Uri uri, bool allowDownload, TimeSpan timeout, bool lenientIndex, CancellationToken cancellationToken)
    {
        // Redirects are followed by HttpRangeSource under its policy (http(s) only, at most five, no credentials to
        // another host), so the transport must not follow them first.
        using var handler = new RangeGuardHandler(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = timeout }, allowDownload);
        using var client = new HttpClient(handler, disposeHandler: false) { Timeout = timeout };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("parameterkit/" + typeof(CheckpointLoader).Assembly.GetName().Version?.ToString(3));
        Uri current = uri;
        try
        {
            if (uri.AbsolutePath.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase))
            {
                return await LoadRemoteShardedAsync(client, uri, u => current = u, lenientIndex, cancellationToken).ConfigureAwait(false);
            }
            SafeTensorsHeader header = await new HttpRangeSource(client, uri).ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            string name = Path.GetFileName(uri.AbsolutePath);
            return CheckpointHeaders.Single(UriRedaction.Redact(uri), CheckpointLayout.Remote, name.Length > 0 ? name : uri.Host, header);
        }
        catch (RemoteReadException e)
        {
            throw new CliException(e.Kind switch
            {
                RemoteReadErrorKind.Timeout => "Timeout",
                RemoteReadErrorKind.TooLarge => "InvalidIndex",
                _ => "RedirectRefused",
            }, $"cannot read '{UriRedaction.Redact(current)}': {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            string status = e.StatusCode is { } code ? $" (HTTP {(int)code} {code})" : "";
            throw new CliException("Unreachable", $"cannot read '{UriRedaction.Redact(current)}'{status}: {UriRedaction.Redact(e.Message)}", e);
        }
        catch (IOException e)
        {
            // A connection that breaks off mid-reply (HttpIOException: the server closed before the promised length);
            // nothing local is read here, so any I/O failure is the network's, and the address is what the user needs.
            throw new CliException("Unreachable", $"cannot read '{UriRedaction.Redact(current)}': the connection broke off mid-reply ({UriRedaction.Redact(e.Message)})", e);
        }
    }

    /// <summary>
    /// A remote sharded checkpoint: the index (small JSON) in full, then each shard's header by range requests,
    /// every shard resolved relative to the index's address as transformers resolves it. The index and the shards
    /// get the same consistency checks as a local checkpoint (<see cref="SafeTensorsIndex.CheckShards"/>, strict
    /// unless <paramref name="lenientIndex"/>); only the symbolic-link check has no remote counterpart.
    /// </summary>
    private static async Task<CheckpointHeaders> LoadRemoteShardedAsync(HttpClient client, Uri indexUri, Action<Uri> reading,
        bool lenientIndex, CancellationToken cancellationToken)
    {
        reading(indexUri);
        string indexName = UriRedaction.Redact(indexUri);
        byte[] json = await new HttpRangeSource(client, indexUri).ReadAllAsync(MaxIndexBytes, cancellationToken).ConfigureAwait(false);
        SafeTensorsIndex index = SafeTensorsIndex.Parse(json, indexName, lenientIndex);
        var headers = new Dictionary<string, SafeTensorsHeader>(StringComparer.Ordinal);
        foreach (string shard in index.Shards)
        {
            // Shard names are plain file names (the index parser rejects paths), so this stays beside the index.
            var shardUri = new Uri(indexUri, Uri.EscapeDataString(shard));
            reading(shardUri);
            headers[shard] = await new HttpRangeSource(client, shardUri).ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        }
        (IReadOnlyList<SafeTensorInfo> tensors, IReadOnlyList<string> tolerated) = index.CheckShards(shard => headers[shard], lenientIndex);
        var position = index.Shards.Select((shard, i) => (shard, i)).ToDictionary(p => p.shard, p => p.i, StringComparer.Ordinal);
        return CheckpointHeaders.Sharded(indexName, [.. index.Shards.Select(s => new CheckpointFile(s, headers[s]))],
            [.. tensors.Select(t => t.Name)], i => position[index.WeightMap[tensors[i].Name]]) with
        {
            Tolerated = tolerated,
        };
    }
}

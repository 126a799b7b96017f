using System.Text.Json;
using System.Text.Unicode;

namespace ParameterKit.SafeTensors;

/// <summary>
/// A sharded checkpoint's <c>model.safetensors.index.json</c>: <c>{"metadata": {"total_size": ...},
/// "weight_map": {"tensor name": "shard file name", ...}}</c> (the Hugging Face convention, SPEC.md §6).
/// </summary>
/// <remarks>
/// <para>
/// Unknown keys and unknown metadata entries are ignored, as Hugging Face loaders do. Shard names must be plain
/// file names in the index's folder: a name with a directory part is rejected rather than followed, so an
/// index cannot point a loader at arbitrary files.
/// </para>
/// <para>
/// Text that is not valid UTF-8, or a string escape that is not valid UTF-16 (a lone surrogate such as
/// <c>"\ud800"</c>), is always <see cref="SafeTensorsErrorKind.InvalidIndex"/>. Two faults that Hugging Face's
/// own writer never produces are refused by default and accepted only when parsing leniently, each then listed
/// in <see cref="Tolerated"/>: a tensor named twice in <c>weight_map</c> (the last mention wins, as in Python's
/// <c>json</c>), and anything but whitespace after the JSON object (ignored).
/// </para>
/// </remarks>
public sealed class SafeTensorsIndex
{
    private SafeTensorsIndex(string? source, long? totalSize, IReadOnlyDictionary<string, string> weightMap, IReadOnlyList<string> shards,
        IReadOnlyList<string> tolerated)
    {
        Source = source;
        TotalSize = totalSize;
        WeightMap = weightMap;
        Shards = shards;
        Tolerated = tolerated;
    }

    /// <summary>The index file or source name, for messages.</summary>
    public string? Source { get; }

    /// <summary><c>metadata.total_size</c>: the sum of tensor byte sizes, when present.</summary>
    public long? TotalSize { get; }

    /// <summary>Tensor name to shard file name, in the index's order.</summary>
    public IReadOnlyDictionary<string, string> WeightMap { get; }

    /// <summary>The distinct shard file names, in order of first mention.</summary>
    public IReadOnlyList<string> Shards { get; }

    /// <summary>What a lenient parse accepted that a strict one refuses, one sentence each; empty when strict.</summary>
    public IReadOnlyList<string> Tolerated { get; }

    /// <summary>Reads and parses an index file.</summary>
    /// <param name="path">The <c>*.safetensors.index.json</c> file.</param>
    /// <param name="lenient">Accept repeated <c>weight_map</c> keys and trailing data, listing them in <see cref="Tolerated"/>.</param>
    /// <exception cref="SafeTensorsFormatException">The index is malformed (<see cref="SafeTensorsErrorKind.InvalidIndex"/>).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static SafeTensorsIndex Load(string path, bool lenient = false)
    {
        using FileStream stream = RegularFile.OpenRead(path, SafeTensorsErrorKind.InvalidIndex);
        if (stream.Length > MaxIndexBytes)
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidIndex, path, null,
                $"the index is {stream.Length} bytes, more than the {MaxIndexBytes}-byte limit for an index");
        }
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return Parse(bytes, path, lenient);
    }

    /// <summary>
    /// The largest index file read: 64 MiB. A 1,000-layer model's weight map is a few hundred kB; the limit keeps
    /// a hostile or mistaken file from being read whole into memory.
    /// </summary>
    public const long MaxIndexBytes = 64L * 1024 * 1024;

    /// <summary>Parses index JSON.</summary>
    /// <param name="json">The UTF-8 index text.</param>
    /// <param name="source">The index file or URL, for messages.</param>
    /// <param name="lenient">Accept repeated <c>weight_map</c> keys and trailing data, listing them in <see cref="Tolerated"/>.</param>
    /// <exception cref="SafeTensorsFormatException">The index is malformed (<see cref="SafeTensorsErrorKind.InvalidIndex"/>).</exception>
    public static SafeTensorsIndex Parse(ReadOnlySpan<byte> json, string? source = null, bool lenient = false)
    {
        // Checked up front: Utf8JsonReader validates UTF-8 only in the tokens it decodes, and reports what it
        // finds as InvalidOperationException rather than JsonException.
        if (!Utf8.IsValid(json))
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidIndex, source, null, "the index is not valid UTF-8");
        }
        var reader = new Utf8JsonReader(json);
        var tolerated = new List<string>();
        try
        {
            long? totalSize = null;
            OrderedDictionary<string, string>? weightMap = null;
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "the index must be a JSON object", source);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                reader.Read();
                if (key == "weight_map")
                {
                    weightMap = ReadWeightMap(ref reader, source, lenient, tolerated);
                }
                else if (key == "metadata" && reader.TokenType == JsonTokenType.StartObject)
                {
                    totalSize = ReadTotalSize(ref reader, source, lenient, tolerated);
                }
                else
                {
                    reader.Skip();
                }
            }
            Expect(weightMap is not null, "the index has no `weight_map`", source);
            CheckEnd(json, reader.BytesConsumed, source, lenient, tolerated);
            return new SafeTensorsIndex(source, totalSize, weightMap!, [.. weightMap!.Values.Distinct(StringComparer.Ordinal)], tolerated);
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidIndex, source, null, $"the index is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // GetString throws this for an escape that is not valid UTF-16, such as a lone surrogate "\ud800".
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidIndex, source, null, $"the index holds an invalid string: {e.Message}", e);
        }
    }

    /// <summary>Python's <c>json.load</c> refuses "extra data" after the object; so does a strict parse.</summary>
    private static void CheckEnd(ReadOnlySpan<byte> json, long consumed, string? source, bool lenient, List<string> tolerated)
    {
        ReadOnlySpan<byte> rest = json[(int)consumed..].TrimStart(" \t\r\n"u8);
        if (rest.IsEmpty)
        {
            return;
        }
        string detail = $"{rest.Length} bytes of trailing data after the JSON object (from byte {json.Length - rest.Length})";
        Tolerate(detail, source, null, lenient, tolerated);
    }

    private static OrderedDictionary<string, string> ReadWeightMap(ref Utf8JsonReader reader, string? source, bool lenient, List<string> tolerated)
    {
        Expect(reader.TokenType == JsonTokenType.StartObject, "`weight_map` must be an object", source);
        var map = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string tensor = reader.GetString()!;
            reader.Read();
            Expect(reader.TokenType == JsonTokenType.String, $"`weight_map` entry '{tensor}' must name a shard file", source);
            string shard = reader.GetString()!;
            if (shard.Length == 0 || shard is "." or ".." || shard.IndexOfAny(['/', '\\']) >= 0 || Path.IsPathRooted(shard))
            {
                throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidIndex, source, tensor,
                    $"shard '{shard}' is not a plain file name in the index's folder");
            }
            if (map.TryGetValue(tensor, out string? earlier))
            {
                Tolerate($"`weight_map` names tensor '{tensor}' twice (shard '{earlier}', then '{shard}'); the last is used",
                    source, tensor, lenient, tolerated);
            }
            map[tensor] = shard;
        }
        return map;
    }

    private static long? ReadTotalSize(ref Utf8JsonReader reader, string? source, bool lenient, List<string> tolerated)
    {
        long? total = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isTotal = reader.ValueTextEquals("total_size"u8);
            reader.Read();
            if (isTotal && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value))
            {
                total = value;
            }
            else if (isTotal && reader.TokenType != JsonTokenType.Null)
            {
                // "abc" or 1e300 is no byte count: refused like a wrong one, or read as absent when lenient.
                string shown = reader.TokenType is JsonTokenType.Number or JsonTokenType.String
                    ? System.Text.Encoding.UTF8.GetString(reader.ValueSpan)
                    : reader.TokenType.ToString().ToLowerInvariant();
                reader.Skip();
                Tolerate($"`metadata.total_size` is {shown}, not a whole number of bytes", source, null, lenient, tolerated);
            }
            else
            {
                reader.Skip();
            }
        }
        return total;
    }

    /// <summary>
    /// Checks the index against its shards' headers, as <see cref="SafeTensorsCheckpoint.OpenSharded"/> does for a
    /// local checkpoint (every check but the file system's): each tensor of the weight map is in the shard it names
    /// (<see cref="SafeTensorsErrorKind.TensorNotFound"/> otherwise, even when lenient), each shard tensor is listed
    /// under that shard, no tensor is stored in two shards, and <c>metadata.total_size</c> is the sum of the
    /// tensors' byte lengths. Use it for shards read some other way, such as by HTTP range requests
    /// (<see cref="HttpRangeSource.ReadHeaderAsync"/>).
    /// </summary>
    /// <param name="headerOf">Each shard's header, by the shard file name the index uses (called for every name in <see cref="Shards"/>).</param>
    /// <param name="lenient">Accept the inconsistencies (except a missing tensor), listing them, instead of refusing them.</param>
    /// <returns>
    /// The weight map's tensors in its order, each from its shard's header, and what was accepted: this index's own
    /// <see cref="Tolerated"/> findings, then the shards' (at most 100 spelled out, the rest counted).
    /// </returns>
    /// <exception cref="SafeTensorsFormatException">An inconsistency, when strict (<see cref="SafeTensorsErrorKind.InvalidIndex"/>), or a tensor missing from its shard.</exception>
    public (IReadOnlyList<SafeTensorInfo> Tensors, IReadOnlyList<string> Tolerated) CheckShards(Func<string, SafeTensorsHeader> headerOf, bool lenient = false)
    {
        ArgumentNullException.ThrowIfNull(headerOf);
        var tolerated = new List<string>(Tolerated);
        List<(SafeTensorInfo Tensor, string Shard)> tensors = ShardConsistency.Check(this, Source ?? "the index", headerOf, lenient, tolerated);
        return ([.. tensors.Select(t => t.Tensor)], tolerated);
    }

    /// <summary>Strict: refuse with <see cref="SafeTensorsErrorKind.InvalidIndex"/>. Lenient: record and go on.</summary>
    internal static void Tolerate(string detail, string? source, string? tensor, bool lenient, List<string> tolerated)
    {
        if (!lenient)
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidIndex, source, tensor, detail + " (read the index leniently to accept this)")
            {
                AcceptedWhenLenient = true,
            };
        }
        tolerated.Add(detail);
    }

    private static void Expect(bool condition, string detail, string? source)
    {
        if (!condition)
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidIndex, source, null, detail);
        }
    }
}

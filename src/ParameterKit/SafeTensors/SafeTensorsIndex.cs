using System.Text.Json;

namespace ParameterKit.SafeTensors;

/// <summary>
/// A sharded checkpoint's <c>model.safetensors.index.json</c>: <c>{"metadata": {"total_size": ...},
/// "weight_map": {"tensor name": "shard file name", ...}}</c> (the Hugging Face convention, SPEC.md §6).
/// </summary>
/// <remarks>
/// Unknown keys and unknown metadata entries are ignored, as Hugging Face loaders do. Shard names must be plain
/// file names in the index's folder: a name with a directory part is rejected rather than followed, so an
/// index cannot point a loader at arbitrary files.
/// </remarks>
public sealed class SafeTensorsIndex
{
    private SafeTensorsIndex(string? source, long? totalSize, IReadOnlyDictionary<string, string> weightMap, IReadOnlyList<string> shards)
    {
        Source = source;
        TotalSize = totalSize;
        WeightMap = weightMap;
        Shards = shards;
    }

    /// <summary>The index file or source name, for messages.</summary>
    public string? Source { get; }

    /// <summary><c>metadata.total_size</c>: the sum of tensor byte sizes, when present.</summary>
    public long? TotalSize { get; }

    /// <summary>Tensor name to shard file name, in the index's order.</summary>
    public IReadOnlyDictionary<string, string> WeightMap { get; }

    /// <summary>The distinct shard file names, in order of first mention.</summary>
    public IReadOnlyList<string> Shards { get; }

    /// <summary>Reads and parses an index file.</summary>
    /// <param name="path">The <c>*.safetensors.index.json</c> file.</param>
    /// <exception cref="SafeTensorsFormatException">The index is malformed (<see cref="SafeTensorsErrorKind.InvalidIndex"/>).</exception>
    public static SafeTensorsIndex Load(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Parses index JSON.</summary>
    /// <param name="json">The UTF-8 index text.</param>
    /// <param name="source">The index file or URL, for messages.</param>
    /// <exception cref="SafeTensorsFormatException">The index is malformed (<see cref="SafeTensorsErrorKind.InvalidIndex"/>).</exception>
    public static SafeTensorsIndex Parse(ReadOnlySpan<byte> json, string? source = null)
    {
        var reader = new Utf8JsonReader(json);
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
                    weightMap = ReadWeightMap(ref reader, source);
                }
                else if (key == "metadata" && reader.TokenType == JsonTokenType.StartObject)
                {
                    totalSize = ReadTotalSize(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
            Expect(weightMap is not null, "the index has no `weight_map`", source);
            return new SafeTensorsIndex(source, totalSize, weightMap!, [.. weightMap!.Values.Distinct(StringComparer.Ordinal)]);
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidIndex, source, null, $"the index is not valid JSON: {e.Message}", e);
        }
    }

    private static OrderedDictionary<string, string> ReadWeightMap(ref Utf8JsonReader reader, string? source)
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
            map[tensor] = shard;
        }
        return map;
    }

    private static long? ReadTotalSize(ref Utf8JsonReader reader)
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
            else
            {
                reader.Skip();
            }
        }
        return total;
    }

    private static void Expect(bool condition, string detail, string? source)
    {
        if (!condition)
        {
            throw new SafeTensorsFormatException(SafeTensorsErrorKind.InvalidIndex, source, null, detail);
        }
    }
}

using System.Text;
using System.Text.Json;
using ParameterKit.Parameters;

namespace ParameterKit.SafeTensors;

/// <summary>
/// Each tensor's <see cref="ParameterKind"/>, recorded in a checkpoint's <c>__metadata__</c> by
/// <see cref="StoreCheckpoint.Save"/> so that readers know it instead of guessing it from the name.
/// </summary>
/// <remarks>
/// <para>The record is one metadata entry, <see cref="MetadataKey"/> (<c>parameterkit.kinds</c>), whose value is a
/// compact JSON object mapping each tensor name to its kind: <c>"embedding"</c>, <c>"weight"</c>, <c>"bias"</c>
/// or <c>"norm_gain"</c>, for example <c>{"embedding.weight":"embedding","fc.bias":"bias"}</c>. Safetensors
/// metadata values must be strings, hence JSON inside a string; tools that do not know the key keep and ignore it.</para>
/// <para>Names inferred from Hugging Face conventions (<see cref="CheckpointCounter.InferKind(string, int)"/>) get a sample's
/// <c>embedding.weight</c> wrong (it reads as a weight); the record makes <c>inspect</c>, <c>count</c> and
/// <see cref="StoreCheckpoint.Load(ParameterStore, SafeTensorsCheckpoint, CheckpointLoadOptions?)"/> exact for files
/// ParameterKit wrote. Files from elsewhere carry no record, and inference stays their fallback.</para>
/// <para>A record that is not a JSON object of known kinds (a hostile or foreign file) is ignored as a whole, so a
/// reader falls back to inference rather than failing on metadata it cannot use.</para>
/// </remarks>
public static class RecordedKinds
{
    /// <summary>The <c>__metadata__</c> key holding the record.</summary>
    public const string MetadataKey = "parameterkit.kinds";

    /// <summary>The word a kind is recorded as: <c>embedding</c>, <c>weight</c>, <c>bias</c>, <c>norm_gain</c>, <c>adapter</c>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>Its name in the record.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined kind.</exception>
    public static string Name(ParameterKind kind) => kind switch
    {
        ParameterKind.Embedding => "embedding",
        ParameterKind.Weight => "weight",
        ParameterKind.Bias => "bias",
        ParameterKind.NormGain => "norm_gain",
        ParameterKind.Adapter => "adapter",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a defined parameter kind."),
    };

    /// <summary>The record's value for <paramref name="kinds"/>: a compact JSON object, name to kind.</summary>
    /// <param name="kinds">Each tensor's name and kind, in file order.</param>
    /// <returns>The JSON text stored under <see cref="MetadataKey"/>.</returns>
    public static string Encode(IEnumerable<KeyValuePair<string, ParameterKind>> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach ((string name, ParameterKind kind) in kinds)
            {
                writer.WriteString(name, Name(kind));
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads the record from a checkpoint's metadata.</summary>
    /// <param name="metadata">The <c>__metadata__</c> map, or null when the file has none.</param>
    /// <returns>Each recorded tensor's kind, or null when there is no usable record (inference applies).</returns>
    public static IReadOnlyDictionary<string, ParameterKind>? Read(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || !metadata.TryGetValue(MetadataKey, out string? json))
        {
            return null;
        }
        try
        {
            var kinds = new Dictionary<string, ParameterKind>(StringComparer.Ordinal);
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                if (!reader.Read() || reader.TokenType != JsonTokenType.String || Parse(reader.GetString()!) is not { } kind
                    || !kinds.TryAdd(name, kind))
                {
                    return null;
                }
            }
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() ? kinds : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Malformed JSON, or a lone surrogate escape that has no string form: no usable record.
            return null;
        }
    }

    private static ParameterKind? Parse(string name) => name switch
    {
        "embedding" => ParameterKind.Embedding,
        "weight" => ParameterKind.Weight,
        "bias" => ParameterKind.Bias,
        "norm_gain" => ParameterKind.NormGain,
        "adapter" => ParameterKind.Adapter,
        _ => null,
    };
}

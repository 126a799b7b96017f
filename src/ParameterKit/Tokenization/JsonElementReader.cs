using System.Text.Json;

namespace ParameterKit.Tokenization;

/// <summary>
/// Typed access to one object of a tokenizer file: each read checks the JSON type and fails with a
/// <see cref="TokenizerFormatException"/> naming the file and the setting's path. A JSON <c>null</c> counts as absent.
/// </summary>
internal readonly struct JsonElementReader(JsonElement element, string file, string path)
{
    public JsonElement Element => element;

    public string File => file;

    public string Path => path;

    public TokenizerFormatException Error(string key, string detail) => new(file, Join(key), detail);

    public TokenizerFormatException Error(string detail) => new(file, path.Length == 0 ? null : path, detail);

    public JsonElement? Get(string key) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public JsonElementReader? OptionalObject(string key) => Get(key) is JsonElement v
        ? v.ValueKind == JsonValueKind.Object ? new JsonElementReader(v, file, Join(key)) : throw Error(key, $"must be an object, not {Describe(v)}")
        : null;

    public JsonElementReader RequiredObject(string key) => OptionalObject(key) ?? throw Error(key, "is missing");

    public string? OptionalString(string key) => Get(key) is JsonElement v
        ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw Error(key, $"must be a string, not {Describe(v)}")
        : null;

    public string RequiredString(string key) => OptionalString(key) ?? throw Error(key, "is missing");

    public bool? OptionalBool(string key) => Get(key) is JsonElement v
        ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Error(key, $"must be true or false, not {Describe(v)}")
        : null;

    public int? OptionalInt(string key) => Get(key) is JsonElement v ? ToInt(v, key) : null;

    public int ToInt(JsonElement v, string key) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw Error(key, $"must be an integer, not {Describe(v)}");

    public IEnumerable<JsonElementReader> OptionalArrayOfObjects(string key)
    {
        if (Get(key) is not JsonElement v)
        {
            return [];
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw Error(key, $"must be an array, not {Describe(v)}");
        }
        var items = new List<JsonElementReader>(v.GetArrayLength());
        int index = 0;
        foreach (JsonElement item in v.EnumerateArray())
        {
            string itemPath = $"{Join(key)}[{index++}]";
            items.Add(item.ValueKind == JsonValueKind.Object
                ? new JsonElementReader(item, file, itemPath)
                : throw new TokenizerFormatException(file, itemPath, $"must be an object, not {Describe(item)}"));
        }
        return items;
    }

    public string Join(string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>A short description of a value for an error message: its kind and at most 40 characters of it.</summary>
    public static string Describe(JsonElement v)
    {
        string raw = v.GetRawText();
        return raw.Length <= 40 ? raw : raw[..40] + "...";
    }
}

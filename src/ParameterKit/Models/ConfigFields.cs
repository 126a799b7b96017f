using System.Text.Json;

namespace ParameterKit.Models;

/// <summary>
/// Typed access to a <c>config.json</c> object's settings, each read with its exact JSON type; every failure is a
/// <see cref="ModelConfigException"/> naming the setting and what it held. A JSON <c>null</c> counts as absent, as
/// transformers writes <c>"n_inner": null</c> for "the default".
/// </summary>
internal readonly struct ConfigFields(JsonElement root, string source)
{
    public bool Has(string key) => Get(key) is not null;

    public int PositiveInt(string key) => OptionalInt(key) is int value
        ? value > 0 ? value : throw new ModelConfigException(source, key, $"'{key}' must be positive, not {value}")
        : throw new ModelConfigException(source, key, $"missing required field '{key}'");

    public int? OptionalInt(string key) => Get(key) is JsonElement v
        ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw new ModelConfigException(source, key, $"'{key}' must be an integer, not {v.GetRawText()}")
        : null;

    public double? OptionalNumber(string key) => Get(key) is JsonElement v
        ? v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && double.IsFinite(d) ? d : throw new ModelConfigException(source, key, $"'{key}' must be a finite number, not {v.GetRawText()}")
        : null;

    public bool? OptionalBool(string key) => Get(key) is JsonElement v
        ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new ModelConfigException(source, key, $"'{key}' must be true or false, not {v.GetRawText()}")
        : null;

    public string? OptionalString(string key) => Get(key) is JsonElement v
        ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw new ModelConfigException(source, key, $"'{key}' must be a string, not {v.GetRawText()}")
        : null;

    private JsonElement? Get(string key) => root.TryGetProperty(key, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? v : null;
}

using System.Text.Json;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// The GGUF fixtures written by llama.cpp's gguf-py (Fixtures/gguf/make_fixtures.py) and the values gguf-py
/// dequantized from them.
/// </summary>
internal static class GgufFixtures
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "gguf");

    public static string Types => Path.Combine(Folder, "types.gguf");

    public static string Aligned64Version2 => Path.Combine(Folder, "aligned64_v2.gguf");

    /// <summary>Tensor name to (PyTorch-order shape, type name, values).</summary>
    public static IReadOnlyDictionary<string, (ulong[] Shape, string Type, float[] Values)> Expected { get; } = Load();

    private static Dictionary<string, (ulong[], string, float[])> Load()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, "types.expected.json")));
        var expected = new Dictionary<string, (ulong[], string, float[])>();
        foreach (JsonProperty p in json.RootElement.EnumerateObject())
        {
            expected[p.Name] = (
                [.. p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetUInt64())],
                p.Value.GetProperty("type").GetString()!,
                [.. p.Value.GetProperty("values").EnumerateArray().Select(e => (float)e.GetDouble())]);
        }
        return expected;
    }
}

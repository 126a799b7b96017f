using System.Text.Json;

namespace ParameterKit.Cli.Tests;

/// <summary>The library's conformance corpus (copied beside the tests) and its manifest.</summary>
internal static class Corpus
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "safetensors");

    private static readonly Lazy<JsonDocument> Manifest =
        new(() => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, "manifest.json"))));

    public static IEnumerable<JsonElement> Cases => Manifest.Value.RootElement.GetProperty("cases").EnumerateArray();

    public static JsonElement Case(string file) => Cases.Single(c => c.GetProperty("file").GetString() == file);

    public static string PathOf(string file) => Path.Combine(Folder, file);

    public static TheoryData<string> Files(bool accepted)
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Cases.Where(c => c.GetProperty("accepted").GetBoolean() == accepted))
        {
            data.Add(c.GetProperty("file").GetString()!);
        }
        return data;
    }
}

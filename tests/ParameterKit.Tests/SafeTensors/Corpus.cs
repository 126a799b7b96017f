using System.Text.Json;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// The conformance corpus copied from the shared conformance folder (README.md and SPEC.md beside it explain
/// its provenance) and its manifest, read once per test run.
/// </summary>
internal static class Corpus
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "safetensors");

    private static readonly Lazy<JsonDocument> ManifestDocument =
        new(() => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, "manifest.json"))));

    public static JsonElement Manifest => ManifestDocument.Value.RootElement;

    public static IEnumerable<JsonElement> Cases => Manifest.GetProperty("cases").EnumerateArray();

    public static JsonElement Case(string file) => Cases.Single(c => c.GetProperty("file").GetString() == file);

    public static string PathOf(string file) => Path.Combine(Folder, file);

    /// <summary>Every case file, as xunit theory data: adding a case to the corpus adds a test.</summary>
    public static TheoryData<string> CaseFiles()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Cases)
        {
            // Large cases may be listed without their file (generator run with --no-large); test them when present.
            string file = c.GetProperty("file").GetString()!;
            bool generatedLater = c.TryGetProperty("generated_at_runtime", out JsonElement g) && g.ValueKind == JsonValueKind.True;
            if (!generatedLater || File.Exists(PathOf(file)))
            {
                data.Add(file);
            }
        }
        return data;
    }

    public static IEnumerable<string> AcceptedFiles() => Cases
        .Where(c => c.GetProperty("accepted").GetBoolean())
        .Select(c => c.GetProperty("file").GetString()!);
}

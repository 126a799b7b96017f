using System.Text.Json;

namespace ParameterKit.Tests.Transformers;

/// <summary>
/// One folder of Fixtures/gpt2 (made by make_gpt2_fixtures.py with PyTorch 1.13): a Hugging Face checkpoint folder
/// plus the float64 reference's logits for the prompt and its 32 greedy tokens.
/// </summary>
internal sealed record Gpt2Fixture(string Folder, int[] Prompt, float[][] Logits, int[] Greedy)
{
    /// <summary>The random fixtures, then the trained one (appended so the others keep their indices).</summary>
    public static readonly string[] Names = ["c24_h3_l2", "c32_h4_l3", "c20_h5_l2", Trained];

    /// <summary>The fixture trained to continue arithmetic progressions: decisive margins, as a trained model has.</summary>
    public const string Trained = "c64_h4_l2_trained";

    public static Gpt2Fixture Load(string name)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "gpt2", name);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "expected.json")));
        var root = json.RootElement;
        int[] prompt = [.. root.GetProperty("prompt").EnumerateArray().Select(e => e.GetInt32())];
        float[][] logits = [.. root.GetProperty("logits").EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetSingle()).ToArray())];
        int[] greedy = [.. root.GetProperty("greedy").EnumerateArray().Select(e => e.GetInt32())];
        return new Gpt2Fixture(folder, prompt, logits, greedy);
    }
}

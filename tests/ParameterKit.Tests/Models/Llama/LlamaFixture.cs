using System.Text.Json;

namespace ParameterKit.Tests.Models.Llama;

/// <summary>
/// One folder of Fixtures/llama (made by make_llama_fixtures.py with PyTorch 1.13): a Hugging Face checkpoint folder
/// plus the float64 reference's logits for every position of three prompts and 20 greedy tokens after the first.
/// </summary>
internal sealed record LlamaFixture(string Name, string Folder, int[][] Prompts, float[][][] Logits, int[] Greedy)
{
    /// <summary>MHA (with stored inv_freq buffers); GQA + llama3 rope, sharded; Qwen2 biases + tied; BF16 Mistral (MQA); explicit head_dim + all biases + linear rope.</summary>
    public static readonly string[] Names = ["mha", "gqa_llama3", "qwen2_tied", "bf16_mistral", "head_dim"];

    public static string FolderOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "llama", name);

    public static LlamaFixture Load(string name)
    {
        string folder = FolderOf(name);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "expected.json")));
        var root = json.RootElement;
        int[][] prompts = [.. root.GetProperty("prompts").EnumerateArray().Select(p => p.EnumerateArray().Select(e => e.GetInt32()).ToArray())];
        float[][][] logits = [.. root.GetProperty("logits").EnumerateArray()
            .Select(prompt => prompt.EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray())];
        int[] greedy = [.. root.GetProperty("greedy").EnumerateArray().Select(e => e.GetInt32())];
        return new LlamaFixture(name, folder, prompts, logits, greedy);
    }
}

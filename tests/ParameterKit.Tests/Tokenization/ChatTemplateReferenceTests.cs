using System.Text.Json;
using ParameterKit.Tokenization;

namespace ParameterKit.Tests.Tokenization;

/// <summary>
/// The Hub's chat templates (SmolLM2-Instruct, Qwen2.5-Instruct, Llama-3.1/3.2-Instruct, TinyLlama-Chat; texts and
/// licences in Fixtures/chat_templates) render byte for byte as python3-jinja2 renders them under transformers'
/// settings (Fixtures/chat_templates/render_references.py wrote expected.json).
/// </summary>
public sealed class ChatTemplateReferenceTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "chat_templates");

    public static TheoryData<string> Renderings()
    {
        var data = new TheoryData<string>();
        foreach (JsonProperty rendering in Expected().GetProperty("renderings").EnumerateObject())
        {
            data.Add(rendering.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public void RendersAsJinja2Does(string key)
    {
        string[] parts = key.Split('|');
        (string templateName, string conversation, bool addGenerationPrompt) = (parts[0], parts[1], parts[2] == "gen");
        using JsonDocument cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")));
        JsonElement tokens = cases.RootElement.GetProperty("templates").GetProperty(templateName);
        var messages = cases.RootElement.GetProperty("conversations").GetProperty(conversation).EnumerateArray()
            .Select(m => new ChatTemplateMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!))
            .ToList();
        DateTime today = DateTime.ParseExact(cases.RootElement.GetProperty("strftime_now").GetString()!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        string path = Path.Combine(Folder, templateName + ".jinja");
        var template = ChatTemplate.Parse(File.ReadAllText(path), path, () => today);

        string rendered = template.Render(messages, addGenerationPrompt,
            tokens.GetProperty("bos_token").GetString(), tokens.GetProperty("eos_token").GetString());

        Assert.Equal(Expected().GetProperty("renderings").GetProperty(key).GetString(), rendered);
    }

    [Fact]
    public void EveryCommittedTemplateIsCovered()
    {
        var templates = Directory.GetFiles(Folder, "*.jinja").Select(p => Path.GetFileNameWithoutExtension(p)).Order().ToList();
        var rendered = Expected().GetProperty("renderings").EnumerateObject().Select(p => p.Name.Split('|')[0]).Distinct().Order().ToList();
        Assert.Equal(templates, rendered);
        Assert.Contains("smollm2-instruct", rendered);
        Assert.Contains("qwen2.5-instruct", rendered);
        Assert.Contains("llama-3.1-instruct", rendered);
        Assert.Contains("tinyllama-chat", rendered);
    }

    private static JsonElement Expected() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json"))).RootElement;
}

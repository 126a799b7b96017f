using ParameterKit.Gguf;
using System.Text.Json;
using System.Text.Unicode;
using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;
using ParameterKit.Transformers;

namespace ParameterKit.Models;

/// <summary>
/// Loads any supported Hugging Face checkpoint folder as an <see cref="ICausalLanguageModel"/>, choosing the architecture
/// by <c>config.json</c>'s <c>model_type</c>: <c>gpt2</c> → <see cref="Gpt2Model"/>; <c>llama</c>, <c>mistral</c>,
/// <c>qwen2</c> → <see cref="LlamaModel"/>. Each architecture's own strict reader then reads the whole file.
/// </summary>
/// <example>
/// <code>
/// ICausalLanguageModel model = CausalLanguageModel.Load("Qwen2.5-0.5B-Instruct");
/// var logits = new float[model.VocabularySize];
/// model.ForwardCached([9707, 11], model.CreateCache(), logits);
/// </code>
/// </example>
public static class CausalLanguageModel
{
    /// <summary>The <c>model_type</c> values <see cref="Load"/> accepts.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["gpt2", "llama", "mistral", "qwen2"];

    /// <summary>Loads the checkpoint in <paramref name="folder"/> with the architecture its <c>config.json</c> names.</summary>
    /// <param name="folder">A folder holding <c>config.json</c> and <c>model.safetensors</c> (or a sharded index), or a <c>.gguf</c> file (<see cref="LoadGguf"/>).</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="FileNotFoundException">The folder lacks <c>config.json</c> or the weights.</exception>
    /// <exception cref="ModelConfigException"><c>config.json</c> is not JSON, names no or an unsupported <c>model_type</c>, or is refused by the architecture's reader.</exception>
    /// <exception cref="SafeTensors.CheckpointLoadException">The weights do not match the configuration.</exception>
    public static ICausalLanguageModel Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (File.Exists(folder))
        {
            return LoadGguf(folder);
        }
        string configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"No config.json in '{folder}': a checkpoint folder holds config.json and model.safetensors.", configPath);
        }
        return ModelType(File.ReadAllBytes(configPath), configPath) switch
        {
            "gpt2" => Gpt2Model.Load(folder),
            "llama" or "mistral" or "qwen2" => LlamaModel.Load(folder),
            string other => throw new ModelConfigException(configPath, "model_type",
                $"model_type '{other}' is not supported (supported: {string.Join(", ", SupportedModelTypes)})"),
        };
    }

    /// <summary>
    /// Loads a GGUF file (llama.cpp's format) with the architecture its <c>general.architecture</c> names: <c>gpt2</c> →
    /// <see cref="Gpt2Model.LoadGguf"/>; <c>llama</c>, <c>qwen2</c> → <see cref="LlamaModel.LoadGguf"/>. Quantized
    /// tensors (Q8_0, Q4_0) are dequantized to float32. <see cref="Load"/> calls this when given a file instead of a folder.
    /// </summary>
    /// <param name="path">The <c>.gguf</c> file.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="GgufFormatException">The file is not valid GGUF, or lacks a configuration key.</exception>
    /// <exception cref="ModelConfigException">The architecture is not supported.</exception>
    /// <exception cref="SafeTensors.CheckpointLoadException">The tensors do not match the configuration.</exception>
    public static ICausalLanguageModel LoadGguf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string architecture;
        using (GgufFile file = GgufFile.Open(path))
        {
            architecture = file.Metadata.GetString("general.architecture");
        }
        return architecture switch
        {
            "gpt2" => Gpt2Model.LoadGguf(path),
            "llama" or "qwen2" => LlamaModel.LoadGguf(path),
            _ => throw new ModelConfigException(path, "general.architecture",
                $"GGUF architecture '{architecture}' is not supported (supported: gpt2, llama, qwen2)"),
        };
    }

    /// <summary>
    /// The <c>model_type</c> of a <c>config.json</c>. Older configs omit it: one with GPT-2's width key <c>n_embd</c> is
    /// taken as <c>gpt2</c>, any other as <c>llama</c>, and the architecture's strict reader then confirms (or refuses) it.
    /// </summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <param name="source">Named in error messages.</param>
    /// <returns>The model type.</returns>
    /// <exception cref="ModelConfigException">The bytes are not a JSON object, or <c>model_type</c> is not a string.</exception>
    public static string ModelType(ReadOnlySpan<byte> utf8Json, string source = "config.json")
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!Utf8.IsValid(utf8Json))
        {
            throw new ModelConfigException(source, null, "not valid UTF-8");
        }
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ModelConfigException(source, null, "a config must be a JSON object");
            }
            var fields = new ConfigFields(root, source);
            return fields.OptionalString("model_type")
                ?? (fields.Has("n_embd") ? "gpt2" : "llama");
        }
        catch (JsonException e)
        {
            throw new ModelConfigException(source, null, $"not valid JSON ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            throw new ModelConfigException(source, null, $"holds an invalid string ({e.Message})", e);
        }
    }
}

using ParameterKit.Gguf;
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
    /// <summary>The <c>model_type</c> values <see cref="Load(string)"/> accepts.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["gpt2", "llama", "mistral", "qwen2"];

    /// <summary>Loads the checkpoint in <paramref name="folder"/> with the architecture its <c>config.json</c> names, in float32.</summary>
    /// <param name="folder">A folder holding <c>config.json</c> and <c>model.safetensors</c> (or a sharded index), or a <c>.gguf</c> file (<see cref="LoadGguf(string)"/>).</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="FileNotFoundException">The folder lacks <c>config.json</c> or the weights.</exception>
    /// <exception cref="ModelConfigException"><c>config.json</c> is not JSON, names no or an unsupported <c>model_type</c>, or is refused by the architecture's reader.</exception>
    /// <exception cref="SafeTensors.CheckpointLoadException">The weights do not match the configuration.</exception>
    public static ICausalLanguageModel Load(string folder) => Load(folder, ModelLoadOptions.Default);

    /// <summary>
    /// Loads the checkpoint in <paramref name="folder"/> with the architecture its <c>config.json</c> names, holding the
    /// weights as <paramref name="options"/> says (<see cref="ModelLoadOptions.WeightType"/> BF16 or F16: half-precision
    /// matrices for inference, read in place from the memory-mapped checkpoint). Every architecture's model is
    /// <see cref="IDisposable"/>: dispose a half-precision one to close its checkpoint.
    /// </summary>
    /// <param name="folder">A folder holding <c>config.json</c> and <c>model.safetensors</c> (or a sharded index).</param>
    /// <param name="options">The weight type; <see cref="ModelLoadOptions.Default"/> is float32.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="FileNotFoundException">The folder lacks <c>config.json</c> or the weights.</exception>
    /// <exception cref="ModelConfigException"><c>config.json</c> is not JSON, names no or an unsupported <c>model_type</c>, or is refused by the architecture's reader.</exception>
    /// <exception cref="SafeTensors.CheckpointLoadException">The weights do not match the configuration.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The weight type is not F32, BF16 or F16.</exception>
    /// <exception cref="NotSupportedException"><paramref name="folder"/> is a GGUF file and the weight type is not F32.</exception>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is a file that is not GGUF (such as the folder's model.safetensors).</exception>
    public static ICausalLanguageModel Load(string folder, ModelLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(options);
        if (File.Exists(folder))
        {
            if (!StartsWithGgufMagic(folder))
            {
                // Usually model.safetensors or config.json given for its folder.
                throw new ArgumentException($"'{folder}' is a file but not a GGUF file: give the checkpoint's folder (config.json and model.safetensors) or a .gguf file.");
            }
            // GGUF loads in float32, or quantized to Q8_0 (in place where the file's tensors already are); half precision is not built.
            return options.WeightType == Tensors.DType.F32
                ? LoadGguf(folder, options)
                : throw new NotSupportedException($"'{folder}' is a GGUF file, which loads in float32 or quantized to Q8_0; load it without a {options.WeightType} weight type.");
        }
        string configPath = CheckpointFolder.Config(folder);
        return ModelType(ConfigLimits.ReadConfigFile(configPath), configPath) switch
        {
            "gpt2" => Gpt2Model.Load(folder, options),
            "llama" or "mistral" or "qwen2" => LlamaModel.Load(folder, options),
            string other => throw new ModelConfigException(configPath, "model_type",
                $"model_type '{other}' is not supported (supported: {string.Join(", ", SupportedModelTypes)})"),
        };
    }

    /// <summary>
    /// Loads a GGUF file (llama.cpp's format) with the architecture its <c>general.architecture</c> names: <c>gpt2</c> →
    /// <see cref="Gpt2Model.LoadGguf(string)"/>; <c>llama</c>, <c>qwen2</c> → <see cref="LlamaModel.LoadGguf(string)"/>. Quantized
    /// tensors (Q8_0, Q4_0) are dequantized to float32. <see cref="Load(string)"/> calls this when given a file instead of a folder.
    /// </summary>
    /// <param name="path">The <c>.gguf</c> file.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="GgufFormatException">The file is not valid GGUF, or lacks a configuration key.</exception>
    /// <exception cref="ModelConfigException">The architecture is not supported.</exception>
    /// <exception cref="SafeTensors.CheckpointLoadException">The tensors do not match the configuration.</exception>
    public static ICausalLanguageModel LoadGguf(string path) => LoadGguf(path, ModelLoadOptions.Default);

    /// <summary>
    /// Loads a GGUF file as <see cref="LoadGguf(string)"/> does, holding the weights as <paramref name="options"/> says
    /// (<see cref="ModelLoadOptions.Quantization"/> Q8_0: the file's Q8_0 tensors read in place; dispose the model to close the file).
    /// </summary>
    /// <param name="path">The <c>.gguf</c> file.</param>
    /// <param name="options">F32 (the default) or Q8_0 quantization.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="GgufFormatException">The file is not valid GGUF, or lacks a configuration key.</exception>
    /// <exception cref="ModelConfigException">The architecture is not supported.</exception>
    /// <exception cref="SafeTensors.CheckpointLoadException">The tensors do not match the configuration.</exception>
    /// <exception cref="NotSupportedException">A BF16 or F16 weight type was asked for.</exception>
    public static ICausalLanguageModel LoadGguf(string path, ModelLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        string architecture;
        using (GgufFile file = GgufFile.Open(path))
        {
            architecture = file.Metadata.GetString("general.architecture");
        }
        return architecture switch
        {
            "gpt2" => Gpt2Model.LoadGguf(path, options),
            "llama" or "qwen2" => LlamaModel.LoadGguf(path, options),
            _ => throw new ModelConfigException(path, "general.architecture",
                $"GGUF architecture '{architecture}' is not supported (supported: {string.Join(", ", GgufArchitectures.Supported)})"),
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
    public static string ModelType(ReadOnlySpan<byte> utf8Json, string source = "config.json") =>
        ConfigFields.Parse(utf8Json, source, static (_, fields) => fields.OptionalString("model_type") ?? (fields.Has("n_embd") ? "gpt2" : "llama"));

    /// <summary>Whether the file begins with GGUF's four magic bytes.</summary>
    private static bool StartsWithGgufMagic(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        // A FIFO or device would block or never end: those (length 0) are not GGUF, and are not opened.
        if (new FileInfo(path).Length < magic.Length)
        {
            return false;
        }
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("GGUF"u8);
    }
}

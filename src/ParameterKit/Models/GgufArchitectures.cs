using ParameterKit.Gguf;
using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;

namespace ParameterKit.Models;

/// <summary>
/// The architectures ParameterKit loads from GGUF (<c>general.architecture</c> <c>gpt2</c>, <c>llama</c>, <c>qwen2</c>),
/// seen from outside a load: the parameter each llama.cpp tensor name fills, and the configuration the metadata
/// describes. Both answers come from the same name maps and configuration readers that <c>Gpt2Model.LoadGguf</c> and
/// <c>LlamaModel.LoadGguf</c> use, so a tool that counts a GGUF file through this class agrees with loading it.
/// </summary>
/// <example>
/// <code>
/// string? name = GgufArchitectures.ParameterName("gpt2", "blk.0.attn_qkv.weight"); // "h.0.attn.c_attn.weight"
/// </code>
/// </example>
public static class GgufArchitectures
{
    /// <summary>
    /// A Llama configuration used only to ask the Llama layout for names: the layout also says which rows to
    /// unpermute, which depends on the configuration, but the parameter name it returns does not.
    /// </summary>
    private static readonly LlamaConfig NamesOnly = LlamaConfig.TinyLlama;

    /// <summary>The <c>general.architecture</c> values ParameterKit reads: <c>gpt2</c>, <c>llama</c>, <c>qwen2</c>.</summary>
    public static IReadOnlyList<string> Supported { get; } = ["gpt2", .. LlamaGgufLayout.Architectures.Keys];

    /// <summary>Whether <paramref name="architecture"/> is one of <see cref="Supported"/>.</summary>
    /// <param name="architecture">A <c>general.architecture</c> value.</param>
    public static bool IsSupported(string architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return architecture == "gpt2" || LlamaGgufLayout.Architectures.ContainsKey(architecture);
    }

    /// <summary>
    /// The name of the declared parameter (Hugging Face's, such as <c>h.0.attn.c_attn.weight</c> or
    /// <c>model.layers.0.self_attn.q_proj.weight</c>) that the GGUF tensor <paramref name="tensorName"/> fills when a
    /// model of <paramref name="architecture"/> loads; <see langword="null"/> for a name the architecture does not
    /// have, or an architecture ParameterKit does not read.
    /// </summary>
    /// <param name="architecture">The file's <c>general.architecture</c>.</param>
    /// <param name="tensorName">A llama.cpp tensor name, such as <c>blk.0.attn_qkv.weight</c>.</param>
    public static string? ParameterName(string architecture, string tensorName)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(tensorName);
        if (architecture == "gpt2")
        {
            return Gpt2GgufLayout.Target(tensorName)?.Parameter;
        }
        return LlamaGgufLayout.Architectures.ContainsKey(architecture) ? LlamaGgufLayout.Target(tensorName, NamesOnly)?.Parameter : null;
    }

    /// <summary>
    /// The model configuration <paramref name="file"/> describes, read as loading reads it: a <see cref="Gpt2Config"/>
    /// for <c>gpt2</c>, a <see cref="LlamaConfig"/> for <c>llama</c> and <c>qwen2</c>. The vocabulary size is
    /// <c>token_embd.weight</c>'s row count, so a file without a tokenizer still counts exactly.
    /// </summary>
    /// <param name="file">An open GGUF file.</param>
    /// <returns>A <see cref="Gpt2Config"/> or a <see cref="LlamaConfig"/>; <c>Declare()</c> on either declares the model.</returns>
    /// <exception cref="GgufFormatException">A configuration key or <c>token_embd.weight</c> is missing, or of the wrong type.</exception>
    /// <exception cref="Models.ModelConfigException">The architecture is not one of <see cref="Supported"/>, or the file asks for what the model cannot run (a rotary scaling other than llama3's frequency factors or linear).</exception>
    public static object ReadConfig(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string architecture = file.Metadata.GetString("general.architecture");
        return !IsSupported(architecture)
            ? throw new ModelConfigException(file.FilePath, "general.architecture",
                $"GGUF architecture '{architecture}' is not supported (supported: {string.Join(", ", Supported)})")
            : architecture == "gpt2" ? Gpt2GgufLayout.ReadConfig(file) : LlamaGgufLayout.ReadConfig(file);
    }
}

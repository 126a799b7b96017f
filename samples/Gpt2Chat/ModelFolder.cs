using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;
using ParameterKit.Extensions.AI;
using ParameterKit.Models.Gpt2;
using ParameterKit.Transformers;

namespace Gpt2Chat;

/// <summary>
/// What a checkpoint folder gives the sample: the model, its tokenizer, how a conversation becomes a prompt, and the
/// generation defaults (its end-of-text token). The one place that knows which architectures the sample runs.
/// </summary>
/// <param name="Model">The loaded model.</param>
/// <param name="Tokenizer">Its tokenizer.</param>
/// <param name="RenderPrompt">Renders a conversation to the prompt text.</param>
/// <param name="Defaults">Generation defaults: the end-of-text token stops a reply.</param>
internal sealed record ModelFolder(ICausalLanguageModel Model, Tokenizer Tokenizer, Func<IReadOnlyList<ChatMessage>, string> RenderPrompt, GenerationOptions Defaults)
{
    /// <summary>GPT-2's &lt;|endoftext|&gt;.</summary>
    private const int Gpt2EndOfText = 50256;

    /// <summary>
    /// Loads <paramref name="folder"/> (config.json + model.safetensors). GPT-2 folders run today: GPT-2's byte-level
    /// BPE (the same for every GPT-2 size) and, having no chat template, the plain <see cref="ChatTranscript"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder lacks config.json or model.safetensors.</exception>
    /// <exception cref="FormatException">config.json is not a configuration this build runs (it names the field).</exception>
    public static ModelFolder Load(string folder) =>
        new(Gpt2Model.Load(folder), TiktokenTokenizer.CreateForModel("gpt2"), ChatTranscript.Render,
            ChatTranscript.Defaults with { StopTokens = [Gpt2EndOfText] });

    /// <summary>Loads only the model (for <c>logits</c>, which needs no tokenizer).</summary>
    public static ICausalLanguageModel LoadModel(string folder) => Gpt2Model.Load(folder);
}

using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;
using ParameterKit.Extensions.AI;
using ParameterKit.Models;
using ParameterKit.Models.Gpt2;
using ParameterKit.Tokenization;
using ParameterKit.Transformers;

namespace Gpt2Chat;

/// <summary>
/// What a checkpoint folder gives a chat: the model, its tokenizer, how a conversation becomes a prompt and how that
/// prompt becomes token ids, and the generation defaults (the end-of-sequence tokens). The one place that knows which
/// folders the samples run (SentimentChat compiles this file in for <c>--local-model</c>).
/// </summary>
/// <param name="Model">The loaded model.</param>
/// <param name="Tokenizer">Its tokenizer (decodes the reply).</param>
/// <param name="RenderPrompt">Renders a conversation to the prompt text.</param>
/// <param name="EncodePrompt">Encodes the rendered prompt; <see langword="null"/> for the tokenizer's own encoding.</param>
/// <param name="Defaults">Generation defaults: the end-of-sequence tokens stop a reply.</param>
internal sealed record ModelFolder(ICausalLanguageModel Model, Tokenizer Tokenizer, Func<IReadOnlyList<ChatMessage>, string> RenderPrompt,
    Func<string, IReadOnlyList<int>>? EncodePrompt, GenerationOptions Defaults)
{
    /// <summary>GPT-2's &lt;|endoftext|&gt;.</summary>
    private const int Gpt2EndOfText = 50256;


    /// <summary>
    /// Loads <paramref name="folder"/>: the model by <c>config.json</c>'s <c>model_type</c> (GPT-2, Llama, Mistral,
    /// Qwen2), then the folder's tokenizer (<c>tokenizer.json</c> or <c>tokenizer.model</c>). A folder with a chat
    /// template is prompted through it; one without is prompted with the plain <see cref="ChatTranscript"/>. A GPT-2
    /// folder without tokenizer files uses GPT-2's byte-level BPE, the same for every GPT-2 size.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder lacks config.json or the weights, or (not GPT-2) a tokenizer.</exception>
    /// <exception cref="FormatException">config.json, the tokenizer files or the chat template cannot be used (the message names the file and field).</exception>
    public static ModelFolder Load(string folder)
    {
        ICausalLanguageModel model = LoadModel(folder);
        if (!File.Exists(Path.Combine(folder, "tokenizer.json")) && !File.Exists(Path.Combine(folder, "tokenizer.model")))
        {
            if (model is not Gpt2Model)
            {
                throw new FileNotFoundException($"No tokenizer.json or tokenizer.model in '{folder}': this model's tokenizer is not GPT-2's.",
                    Path.Combine(folder, "tokenizer.json"));
            }
            // GPT-2's byte-level BPE (the vocabulary of every GPT-2 size) is what a folder without tokenizer files is read with.
            int gpt2Vocabulary = Gpt2Config.Small.VocabSize;
            if (model.VocabularySize != gpt2Vocabulary)
            {
                // GPT-2's byte-level BPE would give ids past the end of this model's embedding table.
                throw new FileNotFoundException($"No tokenizer.json or tokenizer.model in '{folder}', and its vocabulary of {model.VocabularySize} tokens " +
                    $"is not GPT-2's {gpt2Vocabulary}: add the tokenizer files it was trained with.", Path.Combine(folder, "tokenizer.json"));
            }
            return new(model, TiktokenTokenizer.CreateForModel("gpt2"), ChatTranscript.Render, null,
                ChatTranscript.Defaults with { StopTokens = [Gpt2EndOfText] });
        }
        var tokenizer = ModelTokenizer.FromFolder(folder);
        if (tokenizer.ChatTemplate is null)
        {
            // A base model: the transcript, encoded as transformers' tokenizer(text) would (with the BOS it adds).
            return new(model, tokenizer.Tokenizer, ChatTranscript.Render, text => tokenizer.Encode(text),
                ChatTranscript.Defaults with { StopTokens = BaseModelStops(tokenizer) });
        }
        // The template writes the BOS token itself where the model expects it, so encoding adds none; encoding goes
        // through ModelTokenizer because its Encode applies rules the Microsoft.ML.Tokenizers object does not (Llama 3).
        return new(model, tokenizer.Tokenizer, messages => tokenizer.ApplyChatTemplate(ToTemplateMessages(messages)),
            text => tokenizer.Encode(text, addSpecialTokens: false),
            new GenerationOptions { MaxNewTokens = 256, StopTokens = tokenizer.EndOfSequenceIds });
    }

    /// <summary>Loads only the model (for <c>logits</c>, which needs no tokenizer).</summary>
    public static ICausalLanguageModel LoadModel(string folder) => CausalLanguageModel.Load(folder);

    /// <summary>A chat client over this folder; a conversation that outgrows the model's context loses its oldest exchanges.</summary>
    /// <param name="defaults">The generation defaults (this folder's <see cref="Defaults"/>, perhaps adjusted).</param>
    /// <param name="renderPrompt">How a conversation becomes the prompt; <see cref="RenderPrompt"/> when null.</param>
    /// <param name="modelId">The name reported on responses.</param>
    /// <returns>The client; the caller disposes it.</returns>
    public LocalChatClient CreateClient(GenerationOptions defaults, Func<IReadOnlyList<ChatMessage>, string>? renderPrompt, string? modelId) =>
        new(Model, Tokenizer, renderPrompt ?? RenderPrompt, defaults, modelId) { EncodePrompt = EncodePrompt, DropOldestMessagesToFit = true };

    /// <summary>How many tokens <paramref name="messages"/> make as a prompt, rendered and encoded as a request sends them.</summary>
    public int PromptTokens(IReadOnlyList<ChatMessage> messages)
    {
        string prompt = RenderPrompt(messages);
        return EncodePrompt is null ? Tokenizer.CountTokens(prompt) : EncodePrompt(prompt).Count;
    }

    /// <summary>
    /// The end-of-sequence ids of a folder without a chat template. A GPT-2 folder's tokenizer_config.json names no EOS
    /// (generation_config.json does, when it was downloaded): then GPT-2's &lt;|endoftext|&gt;, if the vocabulary has it as one token.
    /// </summary>
    private static IReadOnlyList<int> BaseModelStops(ModelTokenizer tokenizer) =>
        tokenizer.EndOfSequenceIds.Count > 0 ? tokenizer.EndOfSequenceIds
        : tokenizer.Encode("<|endoftext|>", addSpecialTokens: false) is [int endOfText] ? [endOfText]
        : [];

    /// <summary>Chat messages as a chat template reads them: the role's name (system, user, assistant) and the text.</summary>
    private static List<ChatTemplateMessage> ToTemplateMessages(IReadOnlyList<ChatMessage> messages) =>
        [.. messages.Select(m => new ChatTemplateMessage(m.Role.Value, m.Text))];
}

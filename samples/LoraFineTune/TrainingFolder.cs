using Microsoft.ML.Tokenizers;
using ParameterKit.Models;
using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;
using ParameterKit.Modules;
using ParameterKit.Tokenization;
using ParameterKit.Training;
using ParameterKit.Transformers;

namespace LoraFineTune;

/// <summary>
/// What fine-tuning needs from a checkpoint folder: the model, its next-token training task, and the folder's own
/// tokenizer. The folder rules are Gpt2Chat's (<c>samples/Gpt2Chat/ModelFolder.cs</c>): the architecture by
/// <c>config.json</c>'s <c>model_type</c>, the tokenizer from <c>tokenizer.json</c> or <c>tokenizer.model</c>, and a GPT-2
/// folder without tokenizer files encoded with GPT-2's byte-level BPE. That file is not linked here because it builds chat
/// clients (Microsoft.Extensions.AI), which a fine-tuning run does not need.
/// </summary>
/// <param name="Model">The loaded model: a <see cref="Module"/>, so its store can be frozen and adapted.</param>
/// <param name="Task">Next-token prediction on windows of T + 1 ids.</param>
/// <param name="Encode">Encodes the training text (without special tokens: the windows are cut from one running stream).</param>
internal sealed record TrainingFolder(Module Model, ITrainingTask<int[]> Task, Func<string, IReadOnlyList<int>> Encode) : IDisposable
{
    /// <summary>The model's context length: the longest window the position embeddings (or RoPE tables) cover.</summary>
    public int ContextLength => ((ICausalLanguageModel)Model).ContextLength;

    /// <summary>Loads the model and the tokenizer of <paramref name="folder"/>.</summary>
    /// <exception cref="FileNotFoundException">The folder lacks config.json or the weights, or (not GPT-2) a tokenizer.</exception>
    /// <exception cref="FormatException">config.json or the tokenizer files cannot be used (the message names the file and field).</exception>
    public static TrainingFolder Load(string folder)
    {
        ICausalLanguageModel model = CausalLanguageModel.Load(folder);
        try
        {
            (Module module, ITrainingTask<int[]> task) = model switch
            {
                Gpt2Model gpt2 => ((Module)gpt2, (ITrainingTask<int[]>)new Gpt2LanguageModelTask(gpt2)),
                LlamaModel llama => (llama, new LlamaLanguageModelTask(llama)),
                _ => throw new InvalidOperationException($"No training task for {model.GetType().Name}."),
            };
            return new TrainingFolder(module, task, TokenizerOf(folder, model));
        }
        catch
        {
            (model as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => (Model as IDisposable)?.Dispose();

    private static Func<string, IReadOnlyList<int>> TokenizerOf(string folder, ICausalLanguageModel model)
    {
        if (File.Exists(Path.Combine(folder, "tokenizer.json")) || File.Exists(Path.Combine(folder, "tokenizer.model")))
        {
            var tokenizer = ModelTokenizer.FromFolder(folder);
            return text => tokenizer.Encode(text, addSpecialTokens: false);
        }
        if (model is not Gpt2Model)
        {
            throw new FileNotFoundException($"No tokenizer.json or tokenizer.model in '{folder}': this model's tokenizer is not GPT-2's.",
                Path.Combine(folder, "tokenizer.json"));
        }
        Tokenizer gpt2 = TiktokenTokenizer.CreateForModel("gpt2");
        int gpt2Vocabulary = Gpt2Config.Small.VocabSize;
        if (model.VocabularySize != gpt2Vocabulary)
        {
            // GPT-2's byte-level BPE would give ids past the end of this model's embedding table.
            throw new FileNotFoundException($"No tokenizer.json or tokenizer.model in '{folder}', and its vocabulary of {model.VocabularySize} tokens is not " +
                $"GPT-2's {gpt2Vocabulary}: add the tokenizer files it was trained with.", Path.Combine(folder, "tokenizer.json"));
        }
        return text => gpt2.EncodeToIds(text);
    }
}

using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;
using ParameterKit.Extensions.AI;
using ParameterKit.Models.Gpt2;
using ParameterKit.SafeTensors;
using ParameterKit.CommandLine;
using ParameterKit.Transformers;

namespace SentimentChat.Commands;

/// <summary>
/// A checkpoint folder given with <c>--local-model</c>: the replies are written in this process by ParameterKit's
/// <see cref="LocalChatClient"/>, with no server. GPT-2-family folders run today (config.json + model.safetensors);
/// having no chat template, the conversation is rendered as <see cref="ChatTranscript"/>.
/// </summary>
public static class LocalModel
{
    /// <summary>GPT-2's &lt;|endoftext|&gt;, which ends a reply.</summary>
    private const int EndOfText = 50256;

    /// <summary>
    /// How the local model writes a reply: short (a support answer, and each token costs a pass over the weights),
    /// a little random, and discouraged from repeating itself, which small base models otherwise do.
    /// </summary>
    public static GenerationOptions ReplyOptions { get; } = ChatTranscript.Defaults with
    {
        MaxNewTokens = 80,
        Temperature = 0.7f,
        TopK = 40,
        TopP = 0.95f,
        RepetitionPenalty = 1.2f,
        Seed = 1,
        StopTokens = [EndOfText],
    };

    /// <summary>Loads <paramref name="folder"/> and wraps it in a chat client.</summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="renderPrompt">How a conversation becomes the prompt; <see cref="ChatTranscript.Render"/> when null.</param>
    /// <returns>The client; the caller disposes it.</returns>
    /// <exception cref="CommandException">The folder is missing or is not a checkpoint this build runs (one line, naming the file).</exception>
    public static LocalChatClient Client(string folder, Func<IReadOnlyList<ChatMessage>, string>? renderPrompt = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ICausalLanguageModel model;
        try
        {
            model = Gpt2Model.Load(folder);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CommandException("NotFound", $"--local-model: {e.Message}", ExitCodes.Failure, e);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidDataException or CheckpointLoadException or SafeTensorsFormatException)
        {
            // A config or tensor this build does not run: the loader's message names the file and the field.
            throw new CommandException("InvalidInput", $"--local-model: {OneLine(e.Message)}", ExitCodes.Rejected, e);
        }
        return new LocalChatClient(model, TiktokenTokenizer.CreateForModel("gpt2"), renderPrompt ?? ChatTranscript.Render, ReplyOptions,
            Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))));
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

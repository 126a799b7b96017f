using Gpt2Chat;
using Microsoft.Extensions.AI;
using ParameterKit.Extensions.AI;
using ParameterKit.SafeTensors;
using ParameterKit.CommandLine;
using ParameterKit.Transformers;

namespace SentimentChat.Commands;

/// <summary>
/// A checkpoint folder given with <c>--local-model</c>: the replies are written in this process by ParameterKit's
/// <see cref="LocalChatClient"/>, with no server. Any folder the Gpt2Chat sample runs (its <c>ModelFolder</c>, compiled
/// in): GPT-2, Llama, Mistral and Qwen2 checkpoints, prompted through the folder's chat template when it has one and as
/// <see cref="ChatTranscript"/> otherwise, stopping at the folder's end-of-sequence tokens.
/// </summary>
public static class LocalModel
{
    /// <summary>
    /// How the local model writes a reply: short (a support answer, and each token costs a pass over the weights),
    /// a little random, and discouraged from repeating itself, which small base models otherwise do. The stop tokens
    /// and strings are the folder's (its end-of-sequence tokens; the transcript's speaker lines when it has no template).
    /// </summary>
    public static GenerationOptions ReplyOptions { get; } = new()
    {
        MaxNewTokens = 80,
        Temperature = 0.7f,
        TopK = 40,
        TopP = 0.95f,
        RepetitionPenalty = 1.2f,
        Seed = 1,
    };

    /// <summary>Loads <paramref name="folder"/> and wraps it in a chat client.</summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="renderPrompt">How a conversation becomes the prompt; the folder's (chat template or <see cref="ChatTranscript.Render"/>) when null.</param>
    /// <returns>The client; the caller disposes it.</returns>
    /// <exception cref="CommandException">The folder is missing or is not a checkpoint this build runs (one line, naming the file).</exception>
    public static LocalChatClient Client(string folder, Func<IReadOnlyList<ChatMessage>, string>? renderPrompt = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ModelFolder loaded;
        try
        {
            loaded = ModelFolder.Load(folder);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CommandException("NotFound", $"--local-model: {e.Message}", ExitCodes.Failure, e);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidDataException or CheckpointLoadException or SafeTensorsFormatException)
        {
            // A config, tensor, tokenizer file or chat template this build does not run: the message names the file and the field.
            throw new CommandException("InvalidInput", $"--local-model: {OneLine(e.Message)}", ExitCodes.Rejected, e);
        }
        GenerationOptions options = ReplyOptions with { StopTokens = loaded.Defaults.StopTokens, StopStrings = loaded.Defaults.StopStrings };
        return loaded.CreateClient(options, renderPrompt, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))));
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

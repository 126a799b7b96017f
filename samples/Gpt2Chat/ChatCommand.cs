using System.ComponentModel;
using Microsoft.Extensions.AI;
using ParameterKit.CommandLine;
using ParameterKit.Extensions.AI;
using ParameterKit.Transformers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gpt2Chat;

/// <summary>
/// <c>chat</c>: a conversation with a checkpoint folder through the local <see cref="IChatClient"/>. Answers one
/// <c>--prompt</c>, or reads the user's messages line by line from standard input and streams each reply; the
/// conversation so far is part of every prompt, its oldest exchanges left out once it outgrows the model's context.
/// </summary>
internal sealed class ChatCommand(ChatStreams streams) : AsyncCommand<ChatCommand.Settings>
{
    /// <summary>
    /// The most characters of one typed or piped message kept: more than any of today's contexts holds (Llama 3's
    /// 8,192 tokens are about 32,000 characters), read without ever holding more of the line.
    /// </summary>
    public const int MaxMessageCharacters = 32_000;

    /// <summary>The options of <c>chat</c>.</summary>
    internal sealed class Settings : SharedSettings
    {
        /// <summary>The checkpoint folder.</summary>
        [CommandOption("--model <FOLDER>")]
        [Description("A folder holding config.json and model.safetensors, as downloaded from the Hugging Face Hub (e.g. openai-community/gpt2).")]
        public string? Model { get; init; }

        /// <summary>A system message.</summary>
        [CommandOption("--system <TEXT>")]
        [Description("A system message that opens the conversation.")]
        public string? System { get; init; }

        /// <summary>One message to answer instead of reading standard input.</summary>
        [CommandOption("--prompt <TEXT>")]
        [Description("Answer this message and exit, instead of reading messages from standard input.")]
        public string? Prompt { get; init; }

        /// <summary>Tokens to generate.</summary>
        [CommandOption("--max-tokens <N>")]
        [Description("The most tokens per reply.")]
        [DefaultValue(128)]
        public int MaxTokens { get; init; } = 128;

        /// <summary>Sampling temperature.</summary>
        [CommandOption("--temperature <T>")]
        [Description("Sampling temperature; 0 is greedy.")]
        [DefaultValue(0.8f)]
        public float Temperature { get; init; } = 0.8f;

        /// <summary>Top-k.</summary>
        [CommandOption("--top-k <K>")]
        [Description("Sample among the K most likely tokens (0: all).")]
        [DefaultValue(40)]
        public int TopK { get; init; } = 40;

        /// <summary>Top-p.</summary>
        [CommandOption("--top-p <P>")]
        [Description("Sample among the most likely tokens holding this much probability: above 0, at most 1.")]
        [DefaultValue(0.95f)]
        public float TopP { get; init; } = 0.95f;

        /// <summary>Repetition penalty.</summary>
        [CommandOption("--repetition-penalty <R>")]
        [Description("Divide positive logits (multiply negative ones) of tokens already in the conversation by R; 1 is none.")]
        [DefaultValue(1.1f)]
        public float RepetitionPenalty { get; init; } = 1.1f;

        /// <summary>Seed.</summary>
        [CommandOption("--seed <S>")]
        [Description("Random seed: the same seed, conversation and options give the same replies.")]
        [DefaultValue(0L)]
        public long Seed { get; init; }

        /// <inheritdoc />
        /// <remarks>The sampling options are checked here, before the model loads, in the options' own words.</remarks>
        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("chat needs --model <folder>")
            : Prompt is not null && string.IsNullOrWhiteSpace(Prompt) ? ValidationResult.Error("--prompt needs a message; leave it out to type messages instead.")
            : System is not null && string.IsNullOrWhiteSpace(System) ? ValidationResult.Error("--system needs text; leave it out for no system message.")
            : MaxTokens < 1 ? ValidationResult.Error($"--max-tokens must be at least 1 (got {MaxTokens}).")
            : !(Temperature >= 0) || float.IsPositiveInfinity(Temperature) ? ValidationResult.Error($"--temperature must be finite and not negative, 0 for greedy (got {Temperature}).")
            : TopK < 0 ? ValidationResult.Error($"--top-k must not be negative, 0 for all tokens (got {TopK}).")
            : !(TopP > 0 && TopP <= 1) ? ValidationResult.Error($"--top-p must be above 0 and at most 1 (got {TopP}).")
            : !(RepetitionPenalty > 0) || float.IsPositiveInfinity(RepetitionPenalty) ? ValidationResult.Error($"--repetition-penalty must be finite and above 0, 1 for none (got {RepetitionPenalty}).")
            : ValidationResult.Success();
    }

    /// <inheritdoc />
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        ChatFailures.ReportAsync(streams, json: false, async () =>
        {
            var folder = ModelFolder.Load(settings.Model!);
            using ICausalLanguageModel model = folder.Model; // the client only borrows the model: it is released here
            // The repetition penalty has no ChatOptions field: it is part of this client's defaults.
            using var chat = folder.CreateClient(folder.Defaults with { RepetitionPenalty = settings.RepetitionPenalty }, renderPrompt: null,
                Path.GetFileName(Path.TrimEndingDirectorySeparator(settings.Model!)));
            var options = new ChatOptions
            {
                MaxOutputTokens = settings.MaxTokens,
                Temperature = settings.Temperature,
                TopK = settings.TopK,
                TopP = settings.TopP,
                Seed = settings.Seed,
            };
            List<ChatMessage> conversation = settings.System is null ? [] : [new(ChatRole.System, settings.System)];
            if (settings.System is not null)
            {
                // Checked before the first message: a system message the context cannot hold with a word beside it would
                // otherwise be reported against every message the user types, each "left out".
                int tokens = folder.PromptTokens([.. conversation, new(ChatRole.User, "Hi")]);
                if (tokens >= model.ContextLength)
                {
                    throw new ArgumentException(
                        $"--system makes a prompt of {tokens:N0} tokens with a one-word message, and the model's context holds {model.ContextLength:N0}: shorten it.");
                }
            }
            TextWriter output = streams.Output;
            if (settings.Prompt is not null)
            {
                await ReplyAsync(chat, conversation, settings.Prompt, echo: true, options, output, cancellationToken).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            // A person at a terminal sees what they typed; piped messages are echoed so the transcript reads as a conversation.
            bool echo = !ReferenceEquals(streams.Input, Console.In) || Console.IsInputRedirected;
            await output.WriteLineAsync("Type a message and press Enter (an empty line or end of input quits).").ConfigureAwait(false);
            var lines = new BoundedLineReader(streams.Input, MaxMessageCharacters);
            while (true)
            {
                await output.WriteAsync("you> ").ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                string? line = await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (string.IsNullOrWhiteSpace(line))
                {
                    return ExitCodes.Ok;
                }
                if (lines.LastLineWasCut)
                {
                    await streams.Error.WriteLineAsync(
                        $"Gpt2Chat: the message was longer than {MaxMessageCharacters:N0} characters; only its start is sent.").ConfigureAwait(false);
                }
                try
                {
                    await ReplyAsync(chat, conversation, line, echo, options, output, cancellationToken).ConfigureAwait(false);
                }
                catch (ArgumentException e) when (conversation is [.., { Role: var role }] && role == ChatRole.User)
                {
                    // One message too long for the context: say so and go on without it, as a chat should.
                    conversation.RemoveAt(conversation.Count - 1);
                    streams.Output.EndLine();
                    ErrorReport.Write(streams.Error, "Gpt2Chat", json: false, "InvalidInput", $"{e.Message} The message was left out; the conversation goes on.");
                }
            }
        });

    /// <summary>Adds the user's message, streams the reply to <paramref name="output"/> and adds it to the conversation.</summary>
    private static async Task ReplyAsync(LocalChatClient chat, List<ChatMessage> conversation, string message, bool echo, ChatOptions options,
        TextWriter output, CancellationToken cancellationToken)
    {
        if (echo)
        {
            await output.WriteLineAsync(TerminalText.EscapeKeepingLines(message)).ConfigureAwait(false);
        }
        conversation.Add(new ChatMessage(ChatRole.User, message));
        await output.WriteAsync("bot>").ConfigureAwait(false);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync(conversation, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            // The model's text comes from the checkpoint's weights: a token can decode to an escape sequence.
            await output.WriteAsync(TerminalText.EscapeKeepingLines(update.Text)).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        await output.WriteLineAsync().ConfigureAwait(false);
        conversation.AddMessages(updates);
    }
}

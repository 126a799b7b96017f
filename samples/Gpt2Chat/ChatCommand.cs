using ParameterKit.Models.Gpt2;
using System.ComponentModel;
using Microsoft.ML.Tokenizers;
using ParameterKit.CommandLine;
using ParameterKit.Transformers;
using Spectre.Console.Cli;

namespace Gpt2Chat;

/// <summary>
/// The default command: complete one <c>--prompt</c>, or read prompts line by line from standard input and stream
/// each completion.
/// </summary>
internal sealed class ChatCommand(ChatStreams streams) : AsyncCommand<ChatCommand.Settings>
{
    private const int EndOfText = 50256;

    /// <summary>The options of the chat.</summary>
    internal sealed class Settings : SharedSettings
    {
        /// <summary>The checkpoint folder.</summary>
        [CommandArgument(0, "<folder>")]
        [Description("A folder holding config.json and model.safetensors, as downloaded from https://huggingface.co/openai-community/gpt2.")]
        public string Folder { get; init; } = "";

        /// <summary>One prompt to complete instead of reading standard input.</summary>
        [CommandOption("--prompt <TEXT>")]
        [Description("Complete this prompt and exit, instead of reading prompts from standard input.")]
        public string? Prompt { get; init; }

        /// <summary>Tokens to generate.</summary>
        [CommandOption("--max-tokens <N>")]
        [Description("Tokens to generate per completion.")]
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

        /// <summary>Seed.</summary>
        [CommandOption("--seed <S>")]
        [Description("Random seed: the same seed, prompt and options give the same text.")]
        [DefaultValue(0UL)]
        public ulong Seed { get; init; }
    }

    /// <inheritdoc />
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        ChatFailures.ReportAsync(streams, json: false, async () =>
        {
            var options = new GenerationOptions
            {
                MaxNewTokens = settings.MaxTokens,
                Temperature = settings.Temperature,
                TopK = settings.TopK,
                TopP = settings.TopP,
                Seed = settings.Seed,
                StopTokens = [EndOfText],
            };
            var generator = new Gpt2Generator(Gpt2Model.Load(settings.Folder));
            var tokenizer = TiktokenTokenizer.CreateForModel("gpt2");
            TextWriter output = streams.Output;
            if (settings.Prompt is not null)
            {
                await CompleteAsync(generator, tokenizer, settings.Prompt, options, output, cancellationToken).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            await output.WriteLineAsync("Type a prompt and press Enter (an empty line or end of input quits).").ConfigureAwait(false);
            while (true)
            {
                await output.WriteAsync("> ").ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                string? line = await streams.Input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (string.IsNullOrWhiteSpace(line))
                {
                    return ExitCodes.Ok;
                }
                await CompleteAsync(generator, tokenizer, line, options, output, cancellationToken).ConfigureAwait(false);
            }
        });

    private static async Task CompleteAsync(Gpt2Generator generator, Tokenizer tokenizer, string prompt, GenerationOptions options,
        TextWriter output, CancellationToken cancellationToken)
    {
        await output.WriteAsync(TerminalText.EscapeKeepingLines(prompt)).ConfigureAwait(false);
        // The model's text comes from the checkpoint's weights: a token can decode to an escape sequence.
        await foreach (string piece in generator.StreamAsync(tokenizer, prompt, options, cancellationToken).ConfigureAwait(false))
        {
            await output.WriteAsync(TerminalText.EscapeKeepingLines(piece)).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        await output.WriteLineAsync().ConfigureAwait(false);
    }
}

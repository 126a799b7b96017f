using ParameterKit.CommandLine;
using System.ComponentModel;
using Microsoft.Extensions.AI;
using SentimentChat.Chat;
using SentimentChat.Model;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SentimentChat.Commands;

/// <summary>
/// <c>chat</c> (the default command): talk to the bot; reads stdin when redirected. With <c>--llm</c> (a server) or
/// <c>--local-model</c> (a checkpoint folder run in this process) the replies come from a language model; if it
/// fails, one line says so and the offline templates answer from then on.
/// </summary>
internal sealed class ChatCommand(SampleHost host) : SampleCommand<ChatCommand.Settings>(host)
{
    /// <summary>The options of <c>chat</c>.</summary>
    internal sealed class Settings : SampleSettings
    {
        /// <summary>An OpenAI-compatible endpoint.</summary>
        [CommandOption("--llm <URL>")]
        [Description("Reply through an OpenAI-compatible endpoint (e.g. http://localhost:11434/v1); needs --llm-model. "
            + "A reply is asked for at most 500 tokens and read up to 4 MiB; a request silent for 60 s is tried once more, "
            + "and an endpoint that fails switches the chat to its built-in replies for the rest of the conversation.")]
        public string? Llm { get; init; }

        /// <summary>The model name at the endpoint.</summary>
        [CommandOption("--llm-model <NAME>")]
        [Description("The model name at the --llm endpoint (e.g. llama3).")]
        public string? LlmModel { get; init; }

        /// <summary>The API key for the endpoint.</summary>
        [CommandOption("--api-key <KEY>")]
        [Description("API key for the --llm endpoint, if it needs one.")]
        public string? ApiKey { get; init; }

        /// <summary>A checkpoint folder to write the replies with, in this process.</summary>
        [CommandOption("--local-model <FOLDER>")]
        [Description("Reply with a local checkpoint folder (config.json + model.safetensors, e.g. openai-community/gpt2), run in this process: no server.")]
        public string? LocalModel { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (LocalModel is not null && Llm is not null)
            {
                return ValidationResult.Error("--local-model and --llm both choose who writes the replies: give one.");
            }
            if (LocalModel is not null && string.IsNullOrWhiteSpace(LocalModel))
            {
                return ValidationResult.Error("--local-model needs a checkpoint folder.");
            }
            if (Llm is null && (LlmModel is not null || ApiKey is not null))
            {
                return ValidationResult.Error("--llm-model and --api-key need --llm URL.");
            }
            if (Llm is not null && string.IsNullOrWhiteSpace(LlmModel))
            {
                return ValidationResult.Error("--llm needs --llm-model NAME (the model to ask at the endpoint).");
            }
            return ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        // Check the URL before training or loading anything: a typo should cost a second, not a minute.
        Uri? endpoint = settings.Llm is null ? null : LlmEndpoint.Parse(settings.Llm);
        // Likewise load the local model first: a wrong folder fails in one line before any training starts.
        using IChatClient? local = settings.LocalModel is null ? null : Commands.LocalModel.Client(settings.LocalModel);
        IChatClient? languageModel = local ?? (endpoint is null ? null : LlmEndpoint.Client(endpoint, settings.LlmModel!, settings.ApiKey));
        string? cacheProblem = null;
        var model = settings.Model is not null
            ? ModelFile.Load(settings.ModelPath)
            : ModelFile.LoadCached(settings.ModelPath, out cacheProblem) ?? FirstRun(settings.ModelPath, cacheProblem, cancellationToken);
        var mood = new ConversationMood();
        IReplyGenerator replies = languageModel is null
            ? new TemplateReplyGenerator()
            : new FallbackReplyGenerator(
                new ChatClientReplyGenerator(languageModel, model.Classify, mood),
                new TemplateReplyGenerator(),
                // The failure's text can be the server's own error message: escaped like everything a server sends.
                line => Host.Console.MarkupLine($"[yellow]{Markup.Escape(TerminalText.EscapeKeepingLines(line))}[/]"));
        using var disposable = replies as IDisposable;
        try
        {
            await new ChatLoop(model, replies, mood, Host.Console).RunAsync(Host.Input, Host.InputIsInteractive, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C while waiting for the next message: the customer left, which is how a chat ends.
        }
        return ExitCodes.Ok;
    }

    private SentimentClassifier FirstRun(string modelPath, string? cacheProblem, CancellationToken cancellationToken)
    {
        string why = cacheProblem is null ? $"No model yet at {modelPath}" : $"The cached model cannot be used ({cacheProblem})";
        Host.Console.MarkupLine($"[yellow]{Markup.Escape(why)}: training one now (it is cached for next time).[/]");
        return TrainCommand.TrainAndSave(Host, epochs: 3, seed: 1, modelPath, baseline: false, cancellationToken);
    }
}

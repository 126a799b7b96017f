using System.ComponentModel;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ParameterKit.CommandLine;
using SentimentChat.Chat;
using SentimentChat.Model;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SentimentChat.Web.Hosting;

/// <summary>
/// The command line, parsed strictly by Spectre.Console.Cli like the <c>parameterkit</c> tool: a misspelt option is
/// an error, not a silent default. Exit codes: 0 stopped normally, 1 failure (a bad model file, a port already in use),
/// 2 bad usage (a misspelt option, an option without its value, --llm-model or --api-key without --llm).
/// </summary>
public static class WebChatCommandLine
{
    /// <summary>Exit code of a rejected command line.</summary>
    public const int BadUsage = 2;

    /// <summary>Parses <paramref name="args"/> and serves until Ctrl+C; returns the exit code.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="console">Where help goes (standard output when null, as plain text when redirected).</param>
    /// <param name="error">Where errors go, one line each as the other samples and the tool write them (standard error
    /// when null): a script that redirects the output still sees them, unwrapped.</param>
    /// <param name="cancellationToken">Stops the server (Ctrl+C does too).</param>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole? console = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        // Redirected help (to a file, a pipe, a test) is plain text without the padding Spectre adds to fill its width.
        console ??= TerminalConsole.Create(Console.Out, Console.IsOutputRedirected);
        error ??= Console.Error;
        var app = new CommandApp<ServeCommand>();
        app.Configure(config =>
        {
            config.SetApplicationName("dotnet run --project samples/SentimentChat.Web --");
            config.Settings.Console = console;
            config.PropagateExceptions();
            // Without strict parsing a misspelt option on the default command is passed on as a "remaining
            // argument" and the server starts with defaults, which is the silent default rule 17 forbids.
            config.UseStrictParsing();
        });
        if (CommandLineApp.OptionMissingItsValue(args, OptionSuggestions.OptionsOf(typeof(ServeCommand.Settings))) is { } bare)
        {
            // Spectre gives an option that ends the command line the internal name of its default command as its
            // value, so "--llm-model" alone would ask the language model for "__default_command": caught before
            // parsing, as the parameterkit tool does.
            return Fail(error, "Usage", $"Option '{bare}' needs a value. (see --help)", BadUsage);
        }
        try
        {
            return await app.RunAsync(args, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandAppException e)
        {
            // "Failed to convert 'abc' to Int32." named no option: reworded as the other samples and the tool word it.
            string message = CommandLineApp.Reword(e.Message, args, OptionSuggestions.OptionsOf(typeof(ServeCommand.Settings)));
            return Fail(error, "Usage", $"{message} (see --help)", BadUsage);
        }
        catch (ModelFileException e)
        {
            return Fail(error, "ModelFile", e.Message, 1);
        }
        catch (CannotListenException e)
        {
            return Fail(error, "CannotListen", e.Message, 1);
        }
        catch (TrainingCancelledException e)
        {
            return Fail(error, "Cancelled", e.Message, 1);
        }
    }

    /// <summary>The sample's name in its error lines.</summary>
    private const string Name = "SentimentChat.Web";

    private static int Fail(TextWriter error, string kind, string message, int exitCode)
    {
        ErrorReport.Write(error, Name, json: false, kind, message);
        return exitCode;
    }

    /// <summary>The server could not listen (the port is taken, or not ours to use): one line and exit code 1.</summary>
    private sealed class CannotListenException(string message, Exception inner) : Exception(message, inner);

    /// <summary>Ctrl+C during a first run's training: the server stopped before serving, and no model was saved.</summary>
    private sealed class TrainingCancelledException()
        : Exception("cancelled while training the first model; nothing was saved (the next run trains again).");

    /// <summary>Serves the chat.</summary>
    internal sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
    {
        /// <summary>The options.</summary>
        internal sealed class Settings : CommandSettings
        {
            [CommandOption("--port <PORT>")]
            [Description("Port on 127.0.0.1 (0 picks a free one).")]
            [DefaultValue(WebChatOptions.DefaultPort)]
            public int Port { get; init; }

            [CommandOption("--model <FILE>")]
            [Description("Classifier file (default: the console sample's cached model, trained on first run).")]
            public string? Model { get; init; }

            [CommandOption("--llm <URL>")]
            [Description("An OpenAI-compatible endpoint (Ollama's http://localhost:11434/v1, vLLM, LM Studio) that writes the replies; default: offline template replies. "
                + "A reply past --max-reply-characters or --max-reply-seconds is cut (the customer sees it end in ' …'); "
                + "a server silent for --llm-timeout is tried once more, and one that fails, stalls or sends no text shows the customer "
                + "'Sorry, the assistant could not answer just now' (details in the server's log).")]
            public string? Llm { get; init; }

            // No [DefaultValue]: Validate must tell "--llm-model given" from "not given" to refuse it without --llm.
            [CommandOption("--llm-model <NAME>")]
            [Description("Model name sent to --llm (default: llama3).")]
            public string? LlmModel { get; init; }

            [CommandOption("--api-key <KEY>")]
            [Description("API key sent to --llm, when it needs one.")]
            public string? ApiKey { get; init; }

            [CommandOption("--llm-timeout <SECONDS>")]
            [Description("How long --llm may be silent, before its reply begins or between two pieces of it, before the request is tried once more.")]
            [DefaultValue(WebChatOptions.DefaultLlmTimeoutSeconds)]
            public int LlmTimeoutSeconds { get; init; }

            [CommandOption("--max-reply-tokens <N>")]
            [Description("The most tokens --llm is asked to write for one reply (its max_tokens).")]
            [DefaultValue(WebChatOptions.DefaultMaxReplyTokens)]
            public int MaxReplyTokens { get; init; }

            [CommandOption("--max-reply-characters <N>")]
            [Description("The most characters of one --llm reply shown, whatever the model was asked; the rest is cut.")]
            [DefaultValue(WebChatOptions.DefaultMaxReplyCharacters)]
            public int MaxReplyCharacters { get; init; }

            [CommandOption("--max-reply-seconds <N>")]
            [Description("The longest one --llm reply may stream; what arrived by then is kept, cut.")]
            [DefaultValue(WebChatOptions.DefaultMaxReplySeconds)]
            public int MaxReplySeconds { get; init; }

            [CommandOption("--max-history-characters <N>")]
            [Description("How much of the conversation goes to --llm with each message: the latest messages whose text fits, so a long conversation stays within the model's context.")]
            [DefaultValue(HistoryWindow.DefaultMaxCharacters)]
            public int MaxHistoryCharacters { get; init; }

            [CommandOption("--max-characters <N>")]
            [Description("Longest message accepted; longer ones are refused politely.")]
            [DefaultValue(WebChatOptions.DefaultMaxMessageCharacters)]
            public int MaxCharacters { get; init; }

            [CommandOption("--max-turns <N>")]
            [Description("Customer messages one conversation may hold.")]
            [DefaultValue(WebChatOptions.DefaultMaxTurns)]
            public int MaxTurns { get; init; }

            [CommandOption("--idle-minutes <N>")]
            [Description("A conversation idle this long is forgotten.")]
            [DefaultValue(WebChatOptions.DefaultIdleMinutes)]
            public int IdleMinutes { get; init; }

            // Host settings in ASP.NET Core's own form (--environment=Development). WebApplicationFactory starts the
            // app through this entry point with its host configuration as such arguments, so they are accepted here.
            [CommandOption("--environment <NAME>")]
            [Description("ASP.NET Core environment (default: Production).")]
            public string? Environment { get; init; }

            [CommandOption("--contentRoot <DIR>", IsHidden = true)]
            public string? ContentRoot { get; init; }

            /// <summary>Accepted for WebApplicationFactory; the app's name is always its assembly's (its page is embedded there).</summary>
            [CommandOption("--applicationName <NAME>", IsHidden = true)]
            public string? ApplicationName { get; init; }

            public override ValidationResult Validate()
            {
                if (Port is < 0 or > 65535)
                {
                    return ValidationResult.Error($"--port must be between 0 and 65535, not {Port}.");
                }
                if (Llm is not null && !(Uri.TryCreate(Llm, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                {
                    return ValidationResult.Error($"--llm must be an http(s) URL, not '{Llm}'.");
                }
                if (Llm is null && (LlmModel is not null || ApiKey is not null))
                {
                    // Silently ignoring them would leave the customer with template replies while the operator
                    // believes a language model answers (the console sample refuses them the same way).
                    return ValidationResult.Error("--llm-model and --api-key need --llm URL.");
                }
                if (LlmModel is not null && string.IsNullOrWhiteSpace(LlmModel))
                {
                    return ValidationResult.Error("--llm-model needs a model name.");
                }
                if (MaxCharacters < 1 || MaxTurns < 1 || IdleMinutes < 1)
                {
                    return ValidationResult.Error("--max-characters, --max-turns and --idle-minutes must be positive.");
                }
                if (LlmTimeoutSeconds < 1 || MaxReplyTokens < 1 || MaxReplyCharacters < 1 || MaxReplySeconds < 1 || MaxHistoryCharacters < 1)
                {
                    return ValidationResult.Error("--llm-timeout, --max-reply-tokens, --max-reply-characters, --max-reply-seconds and --max-history-characters must be positive.");
                }
                if (Llm is null && (LlmTimeoutSeconds, MaxReplyTokens, MaxReplyCharacters, MaxReplySeconds, MaxHistoryCharacters)
                    != (WebChatOptions.DefaultLlmTimeoutSeconds, WebChatOptions.DefaultMaxReplyTokens, WebChatOptions.DefaultMaxReplyCharacters, WebChatOptions.DefaultMaxReplySeconds, HistoryWindow.DefaultMaxCharacters))
                {
                    // The template replies have none of these limits: set without --llm, they would do nothing.
                    return ValidationResult.Error("--llm-timeout, --max-history-characters and the --max-reply- limits need --llm URL.");
                }
                return ValidationResult.Success();
            }

            public WebChatOptions ToOptions() => new()
            {
                Port = Port,
                ModelPath = Model,
                LlmEndpoint = Llm is null ? null : new Uri(Llm),
                LlmModel = LlmModel ?? new WebChatOptions().LlmModel,
                ApiKey = ApiKey,
                MaxMessageCharacters = MaxCharacters,
                MaxTurns = MaxTurns,
                IdleTimeout = TimeSpan.FromMinutes(IdleMinutes),
                LlmTimeout = TimeSpan.FromSeconds(LlmTimeoutSeconds),
                MaxReplyTokens = MaxReplyTokens,
                MaxReplyCharacters = MaxReplyCharacters,
                MaxReplyTime = TimeSpan.FromSeconds(MaxReplySeconds),
                MaxHistoryCharacters = MaxHistoryCharacters,
                EnvironmentName = Environment,
                ContentRoot = ContentRoot,
            };
        }

        public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
        {
            var options = settings.ToOptions();
            await using var app = ChatServer.Create(options);
            // Bind first: a port already in use must cost a second, not a first run's minute of training.
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // Kestrel's "Failed to bind to address http://127.0.0.1:5080: address already in use." says it all;
                // its stack trace would only bury it.
                throw new CannotListenException($"{e.Message} Choose another port with --port (0 picks a free one).", e);
            }
            // Then load (or, on a first run, train) the shared classifier before printing the address, so the first
            // visitor does not wait for it. Ctrl+C stops the host, and with it a first run's training.
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            using (cancellationToken.Register(lifetime.StopApplication))
            {
                try
                {
                    app.Services.GetRequiredService<Conversations.SharedClassifier>();
                }
                catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    throw new TrainingCancelledException();
                }
            }
            string replies = options.LlmEndpoint is null ? "template replies (offline)" : $"{options.LlmModel} at {options.LlmEndpoint}";
            // The bound addresses (the real port when --port 0); a test host has none.
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (string url in addresses)
            {
                Console.WriteLine($"SentimentChat web: open {url}/ in a browser ({replies}). Ctrl+C stops.");
            }
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
    }
}

using System.ComponentModel;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SentimentChat.Model;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SentimentChat.Web.Hosting;

/// <summary>
/// The command line, parsed strictly by Spectre.Console.Cli like the <c>parameterkit</c> tool: a misspelt option is
/// an error, not a silent default. Exit codes: 0 stopped normally, 1 failure (a bad model file), 2 bad usage.
/// </summary>
public static class WebChatCommandLine
{
    /// <summary>Exit code of a rejected command line.</summary>
    public const int BadUsage = 2;

    /// <summary>Parses <paramref name="args"/> and serves until Ctrl+C; returns the exit code.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="console">Where help and errors go (the terminal when null).</param>
    /// <param name="cancellationToken">Stops the server (Ctrl+C does too).</param>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole? console = null, CancellationToken cancellationToken = default)
    {
        console ??= AnsiConsole.Console;
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
        try
        {
            return await app.RunAsync(args, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandAppException e)
        {
            console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/] (see --help)");
            return BadUsage;
        }
        catch (ModelFileException e)
        {
            console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return 1;
        }
    }

    /// <summary>Serves the chat.</summary>
    internal sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
    {
        /// <summary>The options.</summary>
        internal sealed class Settings : CommandSettings
        {
            [CommandOption("--port <PORT>")]
            [Description("Port on 127.0.0.1 (0 picks a free one).")]
            [DefaultValue(5080)]
            public int Port { get; init; }

            [CommandOption("--model <FILE>")]
            [Description("Classifier file (default: the console sample's cached model, trained on first run).")]
            public string? Model { get; init; }

            [CommandOption("--llm <URL>")]
            [Description("An OpenAI-compatible endpoint (Ollama's http://localhost:11434/v1, vLLM, LM Studio) that writes the replies; default: offline template replies.")]
            public string? Llm { get; init; }

            [CommandOption("--llm-model <NAME>")]
            [Description("Model name sent to --llm.")]
            [DefaultValue("llama3")]
            public string LlmModel { get; init; } = "llama3";

            [CommandOption("--api-key <KEY>")]
            [Description("API key sent to --llm, when it needs one.")]
            public string? ApiKey { get; init; }

            [CommandOption("--max-characters <N>")]
            [Description("Longest message accepted; longer ones are refused politely.")]
            [DefaultValue(1000)]
            public int MaxCharacters { get; init; }

            [CommandOption("--max-turns <N>")]
            [Description("Customer messages one conversation may hold.")]
            [DefaultValue(40)]
            public int MaxTurns { get; init; }

            [CommandOption("--idle-minutes <N>")]
            [Description("A conversation idle this long is forgotten.")]
            [DefaultValue(30)]
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
                if (MaxCharacters < 1 || MaxTurns < 1 || IdleMinutes < 1)
                {
                    return ValidationResult.Error("--max-characters, --max-turns and --idle-minutes must be positive.");
                }
                return ValidationResult.Success();
            }

            public WebChatOptions ToOptions() => new()
            {
                Port = Port,
                ModelPath = Model,
                LlmEndpoint = Llm is null ? null : new Uri(Llm),
                LlmModel = LlmModel,
                ApiKey = ApiKey,
                MaxMessageCharacters = MaxCharacters,
                MaxTurns = MaxTurns,
                IdleTimeout = TimeSpan.FromMinutes(IdleMinutes),
                EnvironmentName = Environment,
                ContentRoot = ContentRoot,
            };
        }

        public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
        {
            var options = settings.ToOptions();
            await using var app = ChatServer.Create(options);
            // Load (or, on a first run, train) the shared classifier before listening, so the first visitor does not wait.
            app.Services.GetRequiredService<Conversations.SharedClassifier>();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
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

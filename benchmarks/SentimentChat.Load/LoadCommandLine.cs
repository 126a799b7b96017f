using System.ComponentModel;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SentimentChat.Web.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SentimentChat.Load;

/// <summary>The load program's command line (Spectre.Console.Cli, strict, like the samples).</summary>
public static class LoadCommandLine
{
    /// <summary>Parses, runs, returns the exit code: 0 no errors, 1 errors seen, 2 bad usage.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var app = new CommandApp<LoadCommand>();
        app.Configure(config =>
        {
            config.SetApplicationName("dotnet run -c Release --project benchmarks/SentimentChat.Load --");
            config.PropagateExceptions();
            config.UseStrictParsing();
        });
        try
        {
            return await app.RunAsync(args).ConfigureAwait(false);
        }
        catch (CommandAppException e)
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Message)}[/] (see --help)");
            return 2;
        }
    }

    internal sealed class LoadCommand : AsyncCommand<LoadCommand.Settings>
    {
        internal sealed class Settings : CommandSettings
        {
            [CommandOption("--url <URL>")]
            [Description("A running web chat on loopback; default: start one in this process on 127.0.0.1 (a free port).")]
            public string? Url { get; init; }

            [CommandOption("--model <FILE>")]
            [Description("Classifier file for the in-process server (default: the console sample's cached model).")]
            public string? Model { get; init; }

            [CommandOption("--conversations <N>")]
            [DefaultValue(50)]
            public int Conversations { get; init; }

            [CommandOption("--turns <N>")]
            [DefaultValue(10)]
            public int Turns { get; init; }

            [CommandOption("--token-delay-ms <MS>")]
            [Description("Pause between streamed words of the in-process server's template replies (0: measure the server, not the typing effect).")]
            [DefaultValue(0)]
            public int TokenDelayMs { get; init; }

            public override ValidationResult Validate()
            {
                if (Url is not null && !(Uri.TryCreate(Url, UriKind.Absolute, out var uri) && uri.IsLoopback))
                {
                    return ValidationResult.Error($"--url must be a loopback http URL, not '{Url}'.");
                }
                return Conversations < 1 || Turns < 1 || TokenDelayMs < 0
                    ? ValidationResult.Error("--conversations and --turns must be positive, --token-delay-ms not negative.")
                    : ValidationResult.Success();
            }
        }

        public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
        {
            WebApplicationHandle? server = null;
            Uri address;
            if (settings.Url is null)
            {
                server = await WebApplicationHandle.StartAsync(new WebChatOptions
                {
                    Port = 0,
                    ModelPath = settings.Model,
                    TemplateTokenDelay = TimeSpan.FromMilliseconds(settings.TokenDelayMs),
                    MaxConversations = Math.Max(1000, 2 * settings.Conversations),
                    MaxTurns = Math.Max(40, settings.Turns),
                }).ConfigureAwait(false);
                address = server.Address;
            }
            else
            {
                address = new Uri(settings.Url);
            }
            try
            {
                using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
                var load = new ChatLoad(http);
                Console.WriteLine($"warm-up: 1 conversation of {settings.Turns} messages against {address}");
                await load.RunAsync(1, settings.Turns, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"load: {settings.Conversations} concurrent conversations of {settings.Turns} messages");
                var result = await load.RunAsync(settings.Conversations, settings.Turns, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(result.Table(settings.Conversations, settings.Turns));
                foreach (string error in result.Errors.Take(10))
                {
                    Console.WriteLine($"error: {error}");
                }
                return result.Errors.Count == 0 ? 0 : 1;
            }
            finally
            {
                if (server is not null)
                {
                    await server.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>The web chat started in this process on a free loopback port.</summary>
    private sealed class WebApplicationHandle(Microsoft.AspNetCore.Builder.WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public static async Task<WebApplicationHandle> StartAsync(WebChatOptions options)
        {
            var app = ChatServer.Create(options);
            app.Services.GetRequiredService<SentimentChat.Web.Conversations.SharedClassifier>();
            await app.StartAsync().ConfigureAwait(false);
            string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new WebApplicationHandle(app, new Uri(url + "/"));
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }
}

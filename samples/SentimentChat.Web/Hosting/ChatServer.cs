using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using SentimentChat.Web.Conversations;
using SentimentChat.Web.Endpoints;
using SentimentChat.Web.Replies;

namespace SentimentChat.Web.Hosting;

/// <summary>
/// Builds the web chat: the shared classifier, the conversation store, the reply pipeline, the page (served from
/// resources embedded in this assembly, so it works from any folder and needs no network) and the chat API.
/// </summary>
public static class ChatServer
{
    /// <summary>
    /// The content security policy of every response: scripts, styles and requests from this server only, so the
    /// page cannot load anything from elsewhere, and a customer's <c>&lt;script&gt;</c> could not run even if a bug
    /// ever put it into the page as markup.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Builds the app, listening on 127.0.0.1 at <see cref="WebChatOptions.Port"/>; start it with <c>RunAsync</c> or <c>StartAsync</c>.</summary>
    /// <param name="options">Limits, model and reply settings.</param>
    /// <param name="overrides">Replaces services after the defaults are registered (tests pass a trained classifier or a fake clock).</param>
    /// <param name="log">Where the first-run training note goes (standard output when null).</param>
    public static WebApplication Create(WebChatOptions options, Action<IServiceCollection>? overrides = null, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ChatServer).Assembly.GetName().Name,
            EnvironmentName = options.EnvironmentName,
            ContentRootPath = options.ContentRoot,
        });
        // Loopback only: the sample has no authentication, so it must not be reachable from another machine.
        builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = UnreadableRequests.MaxBodyBytes(options));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        // The host logs a failed start (a port already in use) with its whole stack trace before the exception
        // reaches the command line, which reports it in one line; the sample runs no background service whose
        // failures this would also hide.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        var services = builder.Services;
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        // Everything below reads the options from the container, so a test can replace them with its own limits.
        // The classifier is created once, on first use; the command resolves it after binding and before printing
        // the URL, so a first run trains before anyone is invited in. That training stops with the server (Ctrl+C).
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<WebChatOptions>();
            var stopping = sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            return new SharedClassifier(ModelSource.LoadOrTrain(settings.ModelPath, settings.CachedModelPath, log ?? Console.Out, stopping));
        });
        if (options.LlmEndpoint is not null)
        {
            services.AddSingleton(LanguageModelClient.Create(options));
        }
        services.AddSingleton(sp => new ReplyPipeline(
            sp.GetRequiredService<WebChatOptions>(),
            sp.GetRequiredService<SharedClassifier>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IChatClient>()));
        services.AddSingleton(sp => new ConversationStore(
            sp.GetRequiredService<WebChatOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ReplyPipeline>().For));
        services.AddSingleton<ChatTurns>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, WebChatJson.Default));
        overrides?.Invoke(services);

        var app = builder.Build();
        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        var page = new EmbeddedFileProvider(typeof(ChatServer).Assembly, "SentimentChat.Web.wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = page });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = page });
        UnreadableRequests.Use(app);
        ChatEndpoints.Map(app);
        return app;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SentimentChat.Web.Conversations;
using SentimentChat.Web.Hosting;

namespace SentimentChat.Web.Tests;

/// <summary>The app on real Kestrel at 127.0.0.1 on a free port, for the browser and the concurrency tests.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri address, RecordingLoggerProvider log)
    {
        _app = app;
        Address = address;
        Log = log;
    }

    /// <summary>The server's warnings and errors so far.</summary>
    public RecordingLoggerProvider Log { get; }

    /// <summary>Fails with the server's log when it reported a problem.</summary>
    public void AssertNoProblems() => Assert.True(Log.Problems.IsEmpty, string.Join("\n", Log.Problems));

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri Address { get; }

    /// <summary>Starts the app; <paramref name="time"/> replaces the clock (a test that expires conversations moves it).</summary>
    public static async Task<LoopbackServer> StartAsync(SharedClassifier classifier, WebChatOptions options, TimeProvider? time = null)
    {
        var log = new RecordingLoggerProvider();
        var app = ChatServer.Create(options with { Port = 0 }, services =>
        {
            services.AddSingleton(classifier);
            services.AddSingleton<ILoggerProvider>(log);
            if (time is not null)
            {
                services.AddSingleton(time);
            }
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);
        return new LoopbackServer(app, new Uri(address + "/"), log);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

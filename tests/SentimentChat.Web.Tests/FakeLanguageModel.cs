using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SentimentChat.Web.Tests;

/// <summary>
/// An OpenAI-compatible endpoint on Kestrel at 127.0.0.1 that answers every chat request with what the test says:
/// a well-behaved stream, or a server that rambles, stalls, never answers or sends something else entirely.
/// </summary>
public sealed class FakeLanguageModel : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeLanguageModel(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The base URL to give as <c>--llm</c> (http://127.0.0.1:port/v1).</summary>
    public Uri Endpoint { get; }

    /// <summary>The bodies of the requests received so far.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Starts the endpoint; <paramref name="answer"/> writes each response (the request body is read already).</summary>
    public static async Task<FakeLanguageModel> StartAsync(Func<HttpContext, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeLanguageModel? self = null;
        app.MapPost("/v1/chat/completions", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            self!.Requests.Enqueue(await reader.ReadToEndAsync(context.RequestAborted));
            try
            {
                await answer(context);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The web chat hung up, which is what these tests expect of it.
            }
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        self = new FakeLanguageModel(app, new Uri(address + "/v1"));
        return self;
    }

    /// <summary>Starts a server-sent event stream.</summary>
    public static async Task BeginStreamAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>Writes <paramref name="text"/> and sends it at once.</summary>
    public static async Task WriteAsync(HttpContext context, string text)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>One streamed piece of a reply, as OpenAI's chat completions send it.</summary>
    public static string Delta(string text) =>
        "data: " + JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1",
            @object = "chat.completion.chunk",
            created = 1,
            model = "fake",
            choices = new[] { new { index = 0, delta = new { role = "assistant", content = text }, finish_reason = (string?)null } },
        }) + "\n\n";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

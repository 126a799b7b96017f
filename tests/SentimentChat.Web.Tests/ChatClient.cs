using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SentimentChat.Web.Tests;

/// <summary>Talks to the chat API as the page does.</summary>
public sealed class ChatApi(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public async Task<string> StartAsync()
    {
        using var response = await Http.PostAsync(new Uri("/api/conversations", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    public Task<HttpResponseMessage> PostAsync(string id, string text) =>
        Http.PostAsJsonAsync(new Uri($"/api/conversations/{id}/messages", UriKind.Relative), new { text });

    /// <summary>Sends <paramref name="text"/> and returns the events of the answer (the status must be 200 and the body an event stream).</summary>
    public async Task<List<ServerSentEvent>> SayAsync(string id, string text)
    {
        using var response = await PostAsync(id, text);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return ServerSentEvents.Parse(body);
    }

    public async Task<JsonElement> SummaryAsync(string id)
    {
        using var response = await Http.GetAsync(new Uri($"/api/conversations/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}

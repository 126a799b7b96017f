using System.Text.Json;

namespace SentimentChat.Web.Tests;

/// <summary>One server-sent event: its type and its JSON data.</summary>
public sealed record ServerSentEvent(string Type, JsonElement Data);

/// <summary>Reads a whole <c>text/event-stream</c> body the way the page's script does.</summary>
public static class ServerSentEvents
{
    public static List<ServerSentEvent> Parse(string body)
    {
        var events = new List<ServerSentEvent>();
        foreach (string block in body.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string type = "message";
            var data = new List<string>();
            foreach (string line in block.Split('\n'))
            {
                if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    type = line[6..].Trim();
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data.Add(line.StartsWith("data: ", StringComparison.Ordinal) ? line[6..] : line[5..]);
                }
            }
            if (data.Count > 0)
            {
                events.Add(new ServerSentEvent(type, JsonDocument.Parse(string.Join('\n', data)).RootElement.Clone()));
            }
        }
        return events;
    }

    /// <summary>The reply the tokens spell out.</summary>
    public static string Tokens(IEnumerable<ServerSentEvent> events) =>
        string.Concat(events.Where(e => e.Type == "token").Select(e => e.Data.GetProperty("text").GetString()));
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SentimentChat.Load;

/// <summary>Runs conversations at once and times every message from request to the answer's last event.</summary>
public sealed class ChatLoad(HttpClient http)
{
    /// <summary>Ten messages of a support conversation, mixed moods; visitor v starts at message v, so turns differ.</summary>
    private static readonly string[] Script =
    [
        "I've been waiting for two hours and nobody answers. This is ridiculous!",
        "My order number is 12345.",
        "This is unacceptable. I am furious, worst service ever.",
        "Can you check the delivery, please?",
        "I was charged twice for the same order.",
        "Still nothing after a week.",
        "Thank you so much, that's great, I really appreciate your help!",
        "Where is my refund?",
        "ok",
        "Thanks, bye.",
    ];

    /// <summary>Runs <paramref name="conversations"/> conversations of <paramref name="turns"/> messages concurrently.</summary>
    public async Task<LoadResult> RunAsync(int conversations, int turns, CancellationToken cancellationToken)
    {
        var latencies = new ConcurrentBag<double>();
        var errors = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, conversations).Select(visitor => Task.Run(async () =>
        {
            try
            {
                string id = await StartAsync(cancellationToken).ConfigureAwait(false);
                for (int turn = 0; turn < turns; turn++)
                {
                    long start = Stopwatch.GetTimestamp();
                    string? problem = await SayAsync(id, Script[(visitor + turn) % Script.Length], cancellationToken).ConfigureAwait(false);
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    if (problem is not null)
                    {
                        errors.Enqueue($"visitor {visitor}, turn {turn}: {problem}");
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
            {
                errors.Enqueue($"visitor {visitor}: {e.GetType().Name}: {e.Message}");
            }
        }, cancellationToken))).ConfigureAwait(false);
        return new LoadResult([.. latencies.Order()], [.. errors], clock.Elapsed);
    }

    private async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(new Uri("api/conversations", UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return body.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Sends one message and reads its whole event stream; returns what went wrong, or null.</summary>
    private async Task<string?> SayAsync(string id, string text, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(new Uri($"api/conversations/{id}/messages", UriKind.Relative), new { text }, cancellationToken).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return $"HTTP {(int)response.StatusCode}: {body}";
        }
        // The answer is good when it opens with the reading, streams at least one token and closes with done.
        var types = body.Split('\n').Where(l => l.StartsWith("event:", StringComparison.Ordinal)).Select(l => l[6..].Trim()).ToList();
        return types.Count >= 3 && types[0] == "turn" && types[^1] == "done" && types.Contains("token")
            ? null
            : $"unexpected events: {string.Join(", ", types)}";
    }
}

/// <summary>What a run measured.</summary>
/// <param name="LatenciesMs">Every message's latency, ascending.</param>
/// <param name="Errors">What went wrong.</param>
/// <param name="Elapsed">Wall time of the run.</param>
public sealed record LoadResult(double[] LatenciesMs, IReadOnlyList<string> Errors, TimeSpan Elapsed)
{
    /// <summary>The <paramref name="q"/> quantile (nearest rank).</summary>
    public double Quantile(double q) => LatenciesMs.Length == 0 ? double.NaN : LatenciesMs[Math.Clamp((int)Math.Ceiling(q * LatenciesMs.Length) - 1, 0, LatenciesMs.Length - 1)];

    /// <summary>A markdown table of the run.</summary>
    public string Table(int conversations, int turns)
    {
        var table = new StringBuilder();
        table.AppendLine("| conversations x turns | messages | errors | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | messages/s |");
        table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        table.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {conversations} x {turns} | {LatenciesMs.Length} | {Errors.Count} | {Quantile(0.5):F1} | {Quantile(0.9):F1} | {Quantile(0.99):F1} | {(LatenciesMs.Length == 0 ? double.NaN : LatenciesMs[^1]):F1} | {LatenciesMs.Length / Elapsed.TotalSeconds:F0} |"));
        return table.ToString();
    }
}

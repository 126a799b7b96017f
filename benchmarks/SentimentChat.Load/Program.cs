// Load on the web chat: N visitors at once, each a conversation of T messages, against the server on loopback.
// Reports errors and the per-message latency (request sent → last event of the answer: classification, template
// reply, streaming) at p50 / p90 / p99 / max. BenchmarkDotNet measures one call in a loop; this measures a server
// under concurrent load, which is a different question, so it is a small program of its own.
// Run: dotnet run -c Release --project benchmarks/SentimentChat.Load                 (starts the server in-process)
//      dotnet run -c Release --project benchmarks/SentimentChat.Load -- --url http://127.0.0.1:5080/
using SentimentChat.Load;

return await LoadCommandLine.RunAsync(args);

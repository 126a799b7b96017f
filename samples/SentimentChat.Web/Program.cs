// SentimentChat.Web: the customer-service chat as a web page, with a live mood meter, replies streamed token by
// token (server-sent events) and a "talk to a person" hand-off when the conversation goes badly.
// Run: dotnet run --project samples/SentimentChat.Web            (prints the URL; trains the model on first run)
//      dotnet run --project samples/SentimentChat.Web -- --help  (every option)
using SentimentChat.Web.Hosting;

return await WebChatCommandLine.RunAsync(args);

/// <summary>The entry point; public so <c>WebApplicationFactory&lt;Program&gt;</c> can find the app in tests.</summary>
public partial class Program;

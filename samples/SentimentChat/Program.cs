// SentimentChat: a customer-service chat that notices a frustrated customer and adapts its reply.
// Microsoft.ML.Tokenizers -> an Embedding -> Weights and Biases -> the training loop -> a safetensors checkpoint -> the chat.
// Run: dotnet run --project samples/SentimentChat            (trains on first run, then chats)
//      dotnet run --project samples/SentimentChat -- --help  (every command)
using System.Text;
using ParameterKit.CommandLine;
using SentimentChat.Commands;

Console.OutputEncoding = Encoding.UTF8;
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var console = TerminalConsole.Create(Console.Out, Console.IsOutputRedirected);
var host = new SampleHost(console, Console.Error, Console.In, !Console.IsInputRedirected);
return await App.RunAsync(args, host, cancel.Token);

using System.Globalization;
using Microsoft.ML.Tokenizers;
using ParameterKit.Models.Gpt2;
using ParameterKit.Transformers;

namespace Gpt2Chat;

/// <summary>The sample's two modes, callable in-process so a test can run them without a console.</summary>
public static class Gpt2ChatApp
{
    private const int EndOfText = 50256;

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output)
    {
        try
        {
            if (args.Length > 0 && args[0] == "logits")
            {
                return Logits(args[1..], output);
            }
            if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
            {
                await output.WriteLineAsync(Usage).ConfigureAwait(false);
                return 2;
            }
            return await ChatAsync(args[0], args[1..], input, output).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException)
        {
            await output.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private const string Usage = """
        usage: Gpt2Chat <checkpoint folder> [--prompt TEXT] [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S]
               Gpt2Chat logits --model <checkpoint folder> --tokens 1,2,3 --json
        The folder holds config.json and model.safetensors, as downloaded from https://huggingface.co/openai-community/gpt2.
        """;

    /// <summary>Prints the logits of the last position after the given tokens, as a JSON array (for scripts comparing implementations).</summary>
    private static int Logits(string[] args, TextWriter output)
    {
        string folder = Option(args, "--model") ?? throw new ArgumentException("logits needs --model <folder>.");
        string tokens = Option(args, "--tokens") ?? throw new ArgumentException("logits needs --tokens 1,2,3.");
        int[] ids = [.. tokens.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        var model = Gpt2Model.Load(folder);
        var logits = new float[model.Config.VocabSize];
        model.ForwardCached(ids, model.CreateCache(ids.Length), logits);
        if (args.Contains("--json"))
        {
            // "R" round-trips every float32 exactly.
            output.WriteLine("[" + string.Join(",", logits.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]");
        }
        else
        {
            for (int i = 0; i < logits.Length; i++)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i}\t{logits[i]}"));
            }
        }
        return 0;
    }

    private static async Task<int> ChatAsync(string folder, string[] args, TextReader input, TextWriter output)
    {
        var generator = new Gpt2Generator(Gpt2Model.Load(folder));
        var tokenizer = TiktokenTokenizer.CreateForModel("gpt2");
        var options = new GenerationOptions
        {
            MaxNewTokens = int.Parse(Option(args, "--max-tokens") ?? "128", CultureInfo.InvariantCulture),
            Temperature = float.Parse(Option(args, "--temperature") ?? "0.8", CultureInfo.InvariantCulture),
            TopK = int.Parse(Option(args, "--top-k") ?? "40", CultureInfo.InvariantCulture),
            TopP = float.Parse(Option(args, "--top-p") ?? "0.95", CultureInfo.InvariantCulture),
            Seed = ulong.Parse(Option(args, "--seed") ?? "0", CultureInfo.InvariantCulture),
            StopTokens = [EndOfText],
        };
        string? prompt = Option(args, "--prompt");
        if (prompt is not null)
        {
            await CompleteAsync(generator, tokenizer, prompt, options, output).ConfigureAwait(false);
            return 0;
        }
        await output.WriteLineAsync("Type a prompt and press Enter (an empty line or end of input quits).").ConfigureAwait(false);
        while (true)
        {
            await output.WriteAsync("> ").ConfigureAwait(false);
            string? line = await input.ReadLineAsync().ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(line))
            {
                return 0;
            }
            await CompleteAsync(generator, tokenizer, line, options, output).ConfigureAwait(false);
        }
    }

    private static async Task CompleteAsync(Gpt2Generator generator, Tokenizer tokenizer, string prompt, GenerationOptions options, TextWriter output)
    {
        await output.WriteAsync(prompt).ConfigureAwait(false);
        await foreach (string piece in generator.StreamAsync(tokenizer, prompt, options).ConfigureAwait(false))
        {
            await output.WriteAsync(piece).ConfigureAwait(false);
            await output.FlushAsync().ConfigureAwait(false);
        }
        await output.WriteLineAsync().ConfigureAwait(false);
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

using System.ComponentModel;
using System.Globalization;
using ParameterKit.CommandLine;
using ParameterKit.Transformers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gpt2Chat;

/// <summary><c>logits</c>: the last position's logits after the given tokens, for scripts comparing implementations.</summary>
internal sealed class LogitsCommand(ChatStreams streams) : AsyncCommand<LogitsCommand.Settings>
{
    /// <summary>The options of <c>logits</c>.</summary>
    internal sealed class Settings : SharedSettings
    {
        /// <summary>The checkpoint folder.</summary>
        [CommandOption("--model <FOLDER>")]
        [Description("A folder holding config.json and model.safetensors (any architecture the sample runs).")]
        public string? Model { get; init; }

        /// <summary>Token ids.</summary>
        [CommandOption("--tokens <IDS>")]
        [Description("Comma-separated token ids, for example 15496,11.")]
        public string? Tokens { get; init; }

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print one JSON array (every float32 round-trips exactly); errors as {\"error\": {\"kind\", \"message\"}} on standard error.")]
        public bool Json { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("logits needs --model <folder>")
            : string.IsNullOrWhiteSpace(Tokens) ? ValidationResult.Error("logits needs --tokens 1,2,3")
            : ValidationResult.Success();
    }

    /// <inheritdoc />
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        ChatFailures.ReportAsync(streams, settings.Json, () =>
        {
            // Empty entries are refused, not skipped: "464,,286" is more likely a lost id than two ids meant.
            string[] entries = settings.Tokens!.Split(',', StringSplitOptions.TrimEntries);
            int[] ids = [.. entries.Select((text, i) => ParseToken(text, i, entries.Length))];
            using var model = ModelFolder.LoadModel(settings.Model!);
            // Checked here so the message speaks of --tokens rather than of the model's internal arguments.
            if (ids.Length > model.ContextLength)
            {
                throw new FormatException($"--tokens holds {ids.Length} ids; the model's context holds {model.ContextLength}");
            }
            if (ids.FirstOrDefault(id => id >= model.VocabularySize, -1) is int outside and >= 0)
            {
                throw new FormatException($"--tokens: {outside} is outside the vocabulary of {model.VocabularySize} tokens");
            }
            var logits = new float[model.VocabularySize];
            model.ForwardCached(ids, model.CreateCache(ids.Length), logits);
            TextWriter output = streams.Output;
            if (settings.Json)
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
            output.Flush();
            return Task.FromResult(ExitCodes.Ok);
        });

    private static int ParseToken(string text, int index, int count) =>
        text.Length == 0 ? throw new FormatException($"--tokens: entry {index + 1} of {count} is empty (ids are separated by single commas)")
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id
        : throw new FormatException($"--tokens: '{text}' is not a token id");
}

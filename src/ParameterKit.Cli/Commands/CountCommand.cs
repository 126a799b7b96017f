using System.ComponentModel;
using ParameterKit.Cli.Configs;
using ParameterKit.Cli.Inspection;
using ParameterKit.Cli.Output;
using ParameterKit.CommandLine;
using ParameterKit.Counting;
using ParameterKit.Parameters;
using ParameterKit.Tensors;
using Spectre.Console.Cli;
using Spectre.Console;

namespace ParameterKit.Cli.Commands;

/// <summary>
/// <c>parameterkit count --config &lt;config.json | name&gt;</c>: the exact count of a model from its
/// hyperparameters alone, identical to what <c>inspect</c> finds in a checkpoint of the same architecture.
/// </summary>
internal sealed class CountCommand : CliCommand<CountCommand.Settings>
{
    /// <summary>Creates the command.</summary>
    public CountCommand(CliOutput output)
        : base(output)
    {
    }

    /// <summary>The options of <c>count</c>.</summary>
    internal sealed class Settings : CommonSettings
    {
        /// <summary>A config.json, a folder holding one, or a known name.</summary>
        [CommandOption("-c|--config <CONFIG>")]
        [Description("A Hugging Face config.json (GPT-2, Llama, Mistral or Qwen2), a folder holding one, or a known name: gpt2, gpt2-medium, gpt2-large, gpt2-xl, gpt3-175b, llama-2-7b, llama-2-13b, llama-2-70b, llama-3-8b, llama-3-70b, llama-3.2-1b, tinyllama-1.1b, smollm2-135m, qwen2.5-0.5b, mistral-7b-v0.1.")]
        public string? Config { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() => string.IsNullOrWhiteSpace(Config)
            ? ValidationResult.Error("count needs --config <config.json or a known name>")
            : ValidationResult.Success();
    }

    /// <inheritdoc />
    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        ModelConfig model = ConfigParser.Resolve(settings.Config!);
        ParameterStore store = model.Declare();
        ParameterBreakdown breakdown = ParameterBreakdown.From(store);
        if (settings.Json)
        {
            Output.Json(JsonText.Build(w =>
            {
                w.WriteStartObject();
                w.WriteString("model", model.Name);
                w.WriteString("family", model.Family);
                w.WriteStartObject("config");
                // Settings are kept as display text; scripts get them back as the JSON types config.json uses.
                foreach ((string key, string value) in model.Settings)
                {
                    if (long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long number))
                    {
                        w.WriteNumber(key, number);
                    }
                    else if (bool.TryParse(value, out bool flag))
                    {
                        w.WriteBoolean(key, flag);
                    }
                    else
                    {
                        w.WriteString(key, value);
                    }
                }
                w.WriteEndObject();
                InspectJson.WriteBreakdown(w, breakdown);
                w.WriteStartArray("tied");
                foreach (TiedName tied in store.TiedNames)
                {
                    w.WriteStartObject();
                    w.WriteString("name", tied.Name);
                    w.WriteString("target", tied.Target.Name);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartObject("memory_bytes");
                foreach (DType dtype in ModelSummary.ReportedDTypes)
                {
                    w.WriteNumber(dtype.SafeTensorsName(), BytesAs(breakdown.Total, dtype));
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }));
            return Task.FromResult(ExitCodes.Ok);
        }

        Output.Line($"{model.Name} ({model.Family} layout)");
        if (model.Settings.Count > 0)
        {
            Output.Line(string.Join(", ", model.Settings.Select(s => $"{s.Key} {s.Value}")));
        }
        Output.Line();
        BreakdownView.Write(Output, breakdown);
        foreach (TiedName tied in store.TiedNames)
        {
            Output.Line($"Tied: {tied.Name} shares {tied.Target.Name} (counted once)");
        }
        // F16 and BF16 take the same space; one entry for both keeps the line short.
        Output.Line("Memory for the values:");
        Output.Line("  " + string.Join("; ", ModelSummary.ReportedDTypes.Where(d => d != DType.F16)
            .Select(d => $"{(d == DType.BF16 ? "F16/BF16" : d.SafeTensorsName())} {Numbers.Bytes(BytesAs(breakdown.Total, d))}")));
        return Task.FromResult(ExitCodes.Ok);
    }

    private static long BytesAs(long parameters, DType dtype) => checked(parameters * dtype.BitSize() + 7) / 8;
}

using System.ComponentModel;
using ParameterKit.Adapters;
using ParameterKit.Cli.Configs;
using ParameterKit.Cli.Costs;
using ParameterKit.Cli.Sources;
using ParameterKit.Cli.Inspection;
using ParameterKit.Cli.Output;
using ParameterKit.CommandLine;
using ParameterKit.Counting;
using ParameterKit.Gguf;
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
        [Description("A Hugging Face config.json (GPT-2, Llama, Mistral or Qwen2), a folder holding one, a .gguf file (gpt2, llama, qwen2; its metadata is the config, and its tensors are counted per type too), or a known name: gpt2, gpt2-medium, gpt2-large, gpt2-xl, gpt3-175b, llama-2-7b, llama-2-13b, llama-2-70b, llama-3-8b, llama-3-70b, llama-3.1-8b, llama-3.1-70b, llama-3.2-1b, llama-3.2-3b, tinyllama-1.1b, smollm2-135m, smollm2-360m, smollm2-1.7b, qwen2.5-0.5b, qwen2.5-7b, mistral-7b-v0.1.")]
        public string? Config { get; init; }

        /// <summary>LoRA's r, with <see cref="LoraTargets"/>.</summary>
        [CommandOption("--lora-rank <R>")]
        [Description("Declare LoRA adapters of rank R (with --lora-targets) and count them: the base frozen, the adapters trainable, and PEFT's 'trainable params' line.")]
        public int? LoraRank { get; init; }

        /// <summary>LoRA's target patterns, comma-separated.</summary>
        [CommandOption("--lora-targets <NAMES>")]
        [Description("Comma-separated layers to adapt: names as in PEFT's target_modules (c_attn; q_proj,v_proj) or globs over the path (h.*.attn.c_attn).")]
        public string? LoraTargets { get; init; }

        /// <summary>The target patterns, split.</summary>
        public string[] LoraTargetList =>
            LoraTargets?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Config) ? ValidationResult.Error("count needs --config <config.json or a known name>")
            : LoraRank is null != LoraTargets is null ? ValidationResult.Error("--lora-rank and --lora-targets go together (for example --lora-rank 8 --lora-targets c_attn)")
            : LoraRank is < 1 ? ValidationResult.Error($"--lora-rank must be at least 1, not {LoraRank}")
            : LoraTargets is not null && LoraTargetList.Length == 0 ? ValidationResult.Error("--lora-targets names no layer (for example c_attn or q_proj,v_proj)")
            : ValidationResult.Success();
    }

    /// <inheritdoc />
    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        ModelConfig model = ConfigParser.Resolve(settings.Config!);
        ParameterStore store = model.Declare();
        ParameterBreakdown breakdown = ParameterBreakdown.From(store);
        // Adapters are declared beside the model, in a store of their own: the breakdown above stays the model's (the
        // same as inspect's), and the split below adds them. Declaring allocates no value.
        LoraAdapters? lora = settings.LoraRank is int rank ? DeclareLora(store, rank, settings.LoraTargetList) : null;
        // Depth 0: no module rows, only the totals and the trainable/frozen split of each kind.
        ModelSummary split = lora is null ? store.Summary(depth: 0) : lora.Summary(depth: 0);
        // A GGUF file is a config and a checkpoint at once: what it stores, per type, is shown beside the declared count.
        using GgufFile? gguf = GgufSource.Resolve(settings.Config!) is { } path ? GgufSource.Open(path) : null;
        GgufReport? stored = gguf is null ? null : GgufReport.Build(gguf, settings.Config!);
        // Every size is computed before anything is written: one past 64 bits fails the command whole, not half-printed.
        ParameterCounts counts = store.Count();
        (string Name, long Bytes)[] memory =
        [
            .. ModelSummary.ReportedDTypes.Select(d => (d.SafeTensorsName(), counts.BytesAs(d))),
            .. BlockTypes.Select(t => (WeightStorage.Name(t), WeightStorage.Bytes(breakdown.Total, t))),
        ];
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
                foreach ((string name, long bytes) in memory)
                {
                    w.WriteNumber(name, bytes);
                }
                w.WriteEndObject();
                if (stored is not null)
                {
                    w.WriteStartObject("stored");
                    w.WriteNumber("parameters", stored.Breakdown.Total);
                    w.WriteNumber("parameter_bytes", stored.ParameterBytes);
                    w.WriteStartArray("by_dtype");
                    foreach (GgufTypeRow row in stored.ByType)
                    {
                        GgufInspectJson.WriteTypeRow(w, row);
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                WriteTrainable(w, split, lora);
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
        Output.Line("  " + string.Join("; ", memory.Where(m => m.Name != DType.F16.SafeTensorsName())
            .Select(m => $"{(m.Name == DType.BF16.SafeTensorsName() ? "F16/BF16" : m.Name)} {Numbers.Bytes(m.Bytes)}")));
        if (stored is not null)
        {
            Output.Line();
            Output.Write(GgufInspectView.TypeTable(stored.ByType, stored.Breakdown.Total));
            Output.Line($"Stored in the file: {Numbers.Bytes(stored.ParameterBytes)} for {Numbers.Count(stored.Breakdown.Total)} parameters");
            if (stored.Breakdown.Total != breakdown.Total)
            {
                // The loader is strict, so a file whose tensors differ from its declared model does not load either.
                Output.Line($"Note: the file stores {Numbers.Count(stored.Breakdown.Total)} parameters, its configuration declares {Numbers.Count(breakdown.Total)}: " +
                    "`parameterkit inspect` lists the tensors");
            }
        }
        if (lora is not null)
        {
            WriteTrainable(lora, split);
        }
        return Task.FromResult(ExitCodes.Ok);
    }

    /// <summary>Declares the adapters; a pattern matching no layer is the user's input to fix (exit 2).</summary>
    private static LoraAdapters DeclareLora(ParameterStore store, int rank, string[] targets)
    {
        try
        {
            return LoraAdapters.Declare(store, new LoraOptions { Rank = rank, TargetModules = targets });
        }
        catch (LoraAdapterException e)
        {
            throw new CliException("InvalidInput", e.Message, e);
        }
    }

    /// <summary>The adapters, the trainable and frozen values of each kind, and PEFT's line.</summary>
    private void WriteTrainable(LoraAdapters lora, ModelSummary split)
    {
        Output.Line();
        Output.Line($"LoRA: r = {lora.Options.Rank} on {string.Join(", ", lora.Options.TargetModules)} ({Numbers.Count(lora.Adapters.Count)} adapted layers; the base frozen)");
        var table = new Table().Title("Trainable and frozen").AddColumn("Kind").AddColumn(new TableColumn("Trainable").RightAligned())
            .AddColumn(new TableColumn("Frozen").RightAligned());
        foreach ((ParameterKind kind, long trainable, long frozen) in split.TrainableByKind)
        {
            table.AddRow(BreakdownView.Cell(ParameterBreakdown.KindName(kind)), BreakdownView.Number(Numbers.Count(trainable)),
                BreakdownView.Number(Numbers.Count(frozen)));
        }
        Output.Write(table);
        Output.Line(split.Totals.ToTrainableLine());
    }

    /// <summary>The same split for scripts; present with or without LoRA (without, every declared value is trainable).</summary>
    private static void WriteTrainable(System.Text.Json.Utf8JsonWriter w, ModelSummary split, LoraAdapters? lora)
    {
        if (lora is not null)
        {
            w.WriteStartObject("lora");
            w.WriteNumber("rank", lora.Options.Rank);
            w.WriteStartArray("targets");
            foreach (string target in lora.Options.TargetModules)
            {
                w.WriteStringValue(target);
            }
            w.WriteEndArray();
            w.WriteNumber("adapted_layers", lora.Adapters.Count);
            w.WriteEndObject();
        }
        w.WriteStartObject("trainable_by_kind");
        foreach ((ParameterKind kind, long trainable, long frozen) in split.TrainableByKind)
        {
            w.WriteStartObject(ParameterBreakdown.KindName(kind));
            w.WriteNumber("trainable", trainable);
            w.WriteNumber("frozen", frozen);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteNumber("trainable_parameters", split.Totals.Trainable);
        w.WriteNumber("frozen_parameters", split.Totals.Frozen);
        w.WriteNumber("all_parameters", split.Totals.Total);
        w.WriteString("trainable_line", split.Totals.ToTrainableLine());
    }

    /// <summary>llama.cpp's block types, sized with their scales (<see cref="WeightStorage"/>), after the safetensors dtypes.</summary>
    private static readonly GgufTensorType[] BlockTypes = [GgufTensorType.Q8_0, GgufTensorType.Q4_0];
}

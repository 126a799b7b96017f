using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using ParameterKit.Adapters;
using ParameterKit.CommandLine;
using ParameterKit.Gguf;
using ParameterKit.SafeTensors;
using ParameterKit.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LoraFineTune;

/// <summary>
/// Loads a checkpoint folder, freezes it, attaches LoRA adapters, trains them with AdamW on next-token loss over a text
/// file for N steps, and saves them as PEFT's <c>adapter_config.json</c> and <c>adapter_model.safetensors</c>.
/// </summary>
internal sealed class FineTuneCommand(FineTuneStreams streams) : Command<FineTuneCommand.Settings>
{
    /// <summary>The options.</summary>
    internal sealed class Settings : SharedSettings
    {
        /// <summary>The checkpoint folder.</summary>
        [CommandOption("--model <FOLDER>")]
        [Description("A folder holding config.json and model.safetensors (GPT-2, Llama, Mistral or Qwen2) and its tokenizer files; a GPT-2 folder without them uses GPT-2's tokenizer.")]
        public string? Model { get; init; }

        /// <summary>The training text.</summary>
        [CommandOption("--text <FILE>")]
        [Description("A UTF-8 text file of at most 64 MB to fine-tune on (next-token prediction over windows of --context tokens).")]
        public string? Text { get; init; }

        /// <summary>Where the adapter goes.</summary>
        [CommandOption("--out <FOLDER>")]
        [Description("The folder to write adapter_config.json and adapter_model.safetensors into (created when missing).")]
        public string? Out { get; init; }

        /// <summary>r.</summary>
        [CommandOption("--rank <R>")]
        [Description("LoRA rank r (default 8).")]
        public int Rank { get; init; } = 8;

        /// <summary>α.</summary>
        [CommandOption("--alpha <A>")]
        [Description("lora_alpha: the adapters' output is scaled by alpha / r (default 16).")]
        public double Alpha { get; init; } = 16;

        /// <summary>Dropout on the adapters' input.</summary>
        [CommandOption("--dropout <P>")]
        [Description("lora_dropout on the adapters' input while training: at least 0, below 1 (default 0).")]
        public double Dropout { get; init; }

        /// <summary>Target patterns.</summary>
        [CommandOption("--targets <NAMES>")]
        [Description("Comma-separated layers to adapt: names (c_attn, q_proj,v_proj) or globs (h.*.attn.c_attn). Default c_attn for GPT-2, q_proj,v_proj otherwise.")]
        public string? Targets { get; init; }

        /// <summary>Optimizer steps.</summary>
        [CommandOption("--steps <N>")]
        [Description("Optimizer steps (default 100).")]
        public int Steps { get; init; } = 100;

        /// <summary>Windows per step.</summary>
        [CommandOption("--batch <B>")]
        [Description("Windows per step (default 4).")]
        public int Batch { get; init; } = 4;

        /// <summary>T.</summary>
        [CommandOption("--context <T>")]
        [Description("Tokens per window: at most the model's context length, which is the default, capped at 128 to keep steps short on a CPU.")]
        public int? Context { get; init; }

        /// <summary>Learning rate.</summary>
        [CommandOption("--lr <RATE>")]
        [Description("AdamW learning rate (default 0.0002).")]
        public double LearningRate { get; init; } = 2e-4;

        /// <summary>Seed.</summary>
        [CommandOption("--seed <S>")]
        [Description("Seed of the adapters' initial values, the dropout masks and the order of the windows (default 0).")]
        public ulong Seed { get; init; }

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print one JSON object at the end (counts, every step's loss, the files) instead of progress lines; errors as {\"error\": {\"kind\", \"message\"}} on standard error.")]
        public bool Json { get; init; }

        /// <summary>The largest rank accepted: far past any useful adapter, far below what would not fit in memory.</summary>
        private const int MaxRank = 4096;

        /// <summary>The largest batch accepted: the windows of one step are held together.</summary>
        private const int MaxBatch = 4096;

        /// <summary>The path itself or the nearest existing folder above it, when that is a file (a folder cannot be made under it).</summary>
        private static string? FileOnTheWay(string? path)
        {
            for (string? at = string.IsNullOrEmpty(path) ? null : Path.GetFullPath(path); at is not null; at = Path.GetDirectoryName(at))
            {
                if (File.Exists(at))
                {
                    return at;
                }
                if (Directory.Exists(at))
                {
                    return null;
                }
            }
            return null;
        }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("LoraFineTune needs --model <folder>")
            : string.IsNullOrWhiteSpace(Text) ? ValidationResult.Error("LoraFineTune needs --text <file>")
            : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("LoraFineTune needs --out <folder>")
            // Checked here, before the model loads, in the options' own words (LoraOptions would refuse them later).
            : FileOnTheWay(Out) is { } file ? ValidationResult.Error($"--out must be a folder for the adapter's files, and '{file}' is a file")
            : Directory.Exists(Text) ? ValidationResult.Error($"--text must be a text file, and '{Text}' is a folder")
            : Rank < 1 ? ValidationResult.Error($"--rank must be at least 1, not {Rank}")
            : !double.IsFinite(Alpha) ? ValidationResult.Error($"--alpha must be a finite number, not {Alpha.ToString(CultureInfo.InvariantCulture)}")
            : !(Dropout >= 0 && Dropout < 1) ? ValidationResult.Error($"--dropout must be at least 0 and below 1, not {Dropout.ToString(CultureInfo.InvariantCulture)}")
            : Rank > MaxRank ? ValidationResult.Error($"--rank must be at most {MaxRank}, not {Rank}")
            : Steps < 1 ? ValidationResult.Error($"--steps must be at least 1, not {Steps}")
            : Batch < 1 ? ValidationResult.Error($"--batch must be at least 1, not {Batch}")
            : Batch > MaxBatch ? ValidationResult.Error($"--batch must be at most {MaxBatch}, not {Batch}")
            : (long)Steps * Batch > int.MaxValue ? ValidationResult.Error($"--steps x --batch must be at most {int.MaxValue} windows, not {(long)Steps * Batch}")
            : Context is < 1 ? ValidationResult.Error($"--context must be at least 1, not {Context}")
            : !(LearningRate > 0 && LearningRate <= float.MaxValue) ? ValidationResult.Error($"--lr must be a positive number a float holds, not {LearningRate.ToString(CultureInfo.InvariantCulture)}")
            : ValidationResult.Success();
    }

    /// <summary>Longest default window: a step over 1,024 tokens of GPT-2 small takes long on a laptop CPU.</summary>
    private const int DefaultContextCap = 128;

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            return Run(settings, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Fail(settings, "NotFound", e.Message, ExitCodes.Failure);
        }
        catch (SafeTensorsFormatException e)
        {
            return Fail(settings, e.Kind.ToString(), e.Message, ExitCodes.Rejected);
        }
        catch (GgufFormatException e)
        {
            return Fail(settings, e.Kind.ToString(), e.Message, ExitCodes.Rejected);
        }
        catch (CheckpointLoadException e)
        {
            // config.json and the weights disagree: the message lists every name that does not line up.
            return Fail(settings, "CheckpointMismatch", e.Message, ExitCodes.Rejected);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or LoraAdapterException or InvalidDataException)
        {
            return Fail(settings, "InvalidInput", e.Message, ExitCodes.Rejected);
        }
        catch (IOException e)
        {
            return Fail(settings, "IoError", e.Message, ExitCodes.Failure);
        }
        catch (TrainingDivergedException e)
        {
            // A learning rate too high for the data is the caller's setting, not a defect: said as such, nothing saved.
            return Fail(settings, "Diverged", $"{e.Message} Nothing was saved; lower --lr.", ExitCodes.Failure);
        }
    }

    private int Run(Settings settings, CancellationToken cancellationToken)
    {
        TextWriter output = streams.Output;
        string text = File.Exists(settings.Text)
            ? InputFile.ReadAllText(settings.Text, LoraFineTuneApp.MaxTextBytes, message => new ArgumentException($"--text {message}"))
            : throw new FileNotFoundException($"--text: no such file: '{settings.Text}'");
        using var folder = TrainingFolder.Load(settings.Model!);
        int window = Math.Min(settings.Context ?? DefaultContextCap, folder.ContextLength);
        List<int[]> windows = TrainingWindows.Cut(folder.Encode(text), window, settings.Text!);
        List<int[]> examples = TrainingWindows.ForSteps(windows, settings.Steps, settings.Batch, settings.Seed);
        int tokensPerWindow = windows[0].Length - 1;

        var options = new LoraOptions
        {
            Rank = settings.Rank,
            Alpha = settings.Alpha,
            Dropout = settings.Dropout,
            TargetModules = TargetsOf(settings, folder),
            Seed = settings.Seed,
            BaseModelName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(settings.Model!))),
        };
        LoraAdapters lora = LoraAdapters.Attach(folder.Model.Store, options);
        string trainable = lora.Count().ToTrainableLine();
        if (!settings.Json)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{lora.Adapters.Count} adapters (r = {options.Rank}, alpha = {options.Alpha}) on {string.Join(", ", options.TargetModules)}"));
            output.WriteLine(trainable);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{windows.Count:N0} windows of {tokensPerWindow} tokens; {settings.Steps:N0} steps of {settings.Batch} windows"));
            output.Flush();
        }

        // The optimizer sees the adapters' store only: moments for A and B, none for the frozen base.
        var trainer = new Trainer<int[]>(folder.Task, new AdamW(lora.Store, settings.LearningRate),
            new TrainerOptions { BatchSize = settings.Batch, Shuffle = false, Seed = settings.Seed });
        var steps = new StepReport(settings.Json ? null : output, tokensPerWindow);
        trainer.Fit(examples, progress: steps, cancellationToken: cancellationToken);

        lora.Save(settings.Out!);
        string[] files = ["adapter_config.json", "adapter_model.safetensors"];
        long bytes = files.Sum(f => new FileInfo(Path.Combine(settings.Out!, f)).Length);
        if (settings.Json)
        {
            WriteJson(output, lora, options, steps, tokensPerWindow, settings.Out!, files, bytes);
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"saved {settings.Out}: {string.Join(", ", files)} ({Size(bytes)}, {bytes:N0} bytes)"));
        }
        output.Flush();
        return ExitCodes.Ok;
    }

    /// <summary>The targets given, or the attention projections PEFT adapts by default for the model's family.</summary>
    private static string[] TargetsOf(Settings settings, TrainingFolder folder)
    {
        if (settings.Targets is null)
        {
            return folder.Model is ParameterKit.Models.Gpt2.Gpt2Model ? ["c_attn"] : ["q_proj", "v_proj"];
        }
        string[] targets = settings.Targets.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return targets.Length > 0 ? targets : throw new ArgumentException("--targets names no layer (for example c_attn or q_proj,v_proj).");
    }

    /// <summary>A size people read at a glance: kB below a megabyte (a tiny test model's adapter), MB above (GPT-2's is about 1.2 MB).</summary>
    private static string Size(long bytes) => bytes < 1_000_000
        ? (bytes / 1e3).ToString("F1", CultureInfo.InvariantCulture) + " kB"
        : (bytes / 1e6).ToString("F2", CultureInfo.InvariantCulture) + " MB";

    private static void WriteJson(TextWriter output, LoraAdapters lora, LoraOptions options, StepReport steps, int tokensPerWindow,
        string folder, string[] files, long bytes)
    {
        var counts = lora.Count();
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("rank", options.Rank);
            w.WriteNumber("alpha", options.Alpha);
            w.WriteStartArray("targets");
            foreach (string target in options.TargetModules)
            {
                w.WriteStringValue(target);
            }
            w.WriteEndArray();
            w.WriteNumber("adapters", lora.Adapters.Count);
            w.WriteNumber("trainable_parameters", counts.Trainable);
            w.WriteNumber("all_parameters", counts.Total);
            w.WriteNumber("tokens_per_window", tokensPerWindow);
            w.WriteStartArray("losses");
            foreach (float loss in steps.Losses)
            {
                w.WriteNumberValue(loss);
            }
            w.WriteEndArray();
            w.WriteString("out", folder);
            w.WriteStartArray("files");
            foreach (string file in files)
            {
                w.WriteStringValue(file);
            }
            w.WriteEndArray();
            w.WriteNumber("bytes", bytes);
            w.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private int Fail(Settings settings, string kind, string message, int code)
    {
        streams.Output.Flush();
        ErrorReport.Write(streams.Error, LoraFineTuneApp.Name, settings.Json, kind, message);
        return code;
    }
}
